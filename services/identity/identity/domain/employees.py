"""What may be done to an employee, by whom. Each rule answers with the reason it refuses, or None."""

from collections.abc import Mapping
from typing import Any

from portal_common.roles import OWNER


def refuse_change(
    actor_id: str | None,
    target: Any,
    role: str | None = None,
    active: bool | None = None,
    primary_contact_id: str | None = None,
) -> str | None:
    if target.role == OWNER and role is not None and role != OWNER:
        return "The owner cannot be demoted."
    if target.role == OWNER and active is False:
        return "The owner cannot be deactivated."
    if target.id == primary_contact_id and active is False:
        return "The company's primary contact cannot be deactivated: choose another one first."
    if target.id == actor_id and active is False:
        return "You cannot deactivate yourself."
    return None


def refuse_removal(actor_id: str | None, target: Any, primary_contact_id: str | None = None) -> str | None:
    if target.role == OWNER:
        return "The owner cannot be removed."
    if target.id == primary_contact_id:
        return "The company's primary contact cannot be removed: choose another one first."
    if target.id == actor_id:
        return "You cannot remove yourself."
    return None


def changes(target: Any, data: Mapping[str, Any]) -> list[str]:
    """What an update changes, each as a phrase of the audit log: `role: sales → admin`."""
    said = []
    for key in ("name", "role"):
        if key in data and data[key] != getattr(target, key):
            said.append(f"{key}: {getattr(target, key)} → {data[key]}")
    if "active" in data and data["active"] != target.active:
        said.append("reactivated" if data["active"] else "deactivated")
    return said
