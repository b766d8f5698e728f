"""The shapes identity answers with (dumped through the contract's schemas by the service)."""

from typing import Any


def session_employee(employee: Any) -> dict[str, Any]:
    return {"id": employee.id, "email": employee.email, "name": employee.name, "role": employee.role}


def me(employee: Any, setup_only: bool = False) -> dict[str, Any]:
    """`two_factor_setup_required`: the session was opened while the company required a second factor
    this employee has not set up yet, so it may only set one up (the gateway enforces it)."""
    return {
        **session_employee(employee),
        "partner_id": employee.partner_id,
        "two_factor_enabled": employee.two_factor_enabled,
        "two_factor_setup_required": setup_only and not employee.two_factor_enabled,
    }


def employee(employee: Any) -> dict[str, Any]:
    status = status_of(employee)
    return {
        **session_employee(employee),
        "active": status == "active",
        "status": status,
        "two_factor_enabled": employee.two_factor_enabled,
    }


def status_of(employee: Any) -> str:
    if not employee.active:
        return "deactivated"
    return "invited" if employee.password_hash is None else "active"


def device(device: Any) -> dict[str, Any]:
    return {
        "id": device.id,
        "created_at": device.created_at,
        "expires_at": device.expires_at,
        "last_used_at": device.last_used_at,
        "user_agent": device.user_agent,
    }
