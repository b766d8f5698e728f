"""What accounts shows of an account's subscriptions: the latest one's status, product, plan and
expiry, and the seats that its running (trial or active) subscriptions give."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

RUNNING = ("trial", "active")


@dataclass(frozen=True)
class SubscriptionFacts:
    id: str
    status: str
    product: str
    plan: str
    quantity: int
    starts_at: object
    expires_at: object
    computers_included: int
    servers_included: int
    addon_computers: int = 0
    addon_servers: int = 0


def summarize(subscriptions: Iterable[SubscriptionFacts]) -> dict[str, Any]:
    """`subscriptions` are one account's; answers the accounts-list columns and the seats."""
    latest = max(subscriptions, key=lambda s: (s.starts_at, s.id), default=None)
    running = [s for s in subscriptions if s.status in RUNNING]
    return {
        "status": latest.status if latest else "none",
        "product": latest.product if latest else None,
        "plan": latest.plan if latest else None,
        "expires_at": latest.expires_at if latest else None,
        "seats": sum(s.quantity * s.computers_included + s.addon_computers for s in running),
        "server_seats": sum(s.quantity * s.servers_included + s.addon_servers for s in running),
    }
