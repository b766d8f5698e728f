"""What accounts shows of an account's subscriptions: the latest one's status, product, plan and
expiry, and the seats that its running (trial or active) subscriptions give."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

RUNNING = ("trial", "active")


@dataclass(frozen=True)
class Latest:
    """The account's latest subscription (the one that started last), whatever its status."""

    status: str
    product: str
    plan: str
    expires_at: object


@dataclass(frozen=True)
class Seats:
    """`quantity` running subscriptions of one plan, or add-ons of one kind, each giving `computers`
    and `servers` seats."""

    quantity: int
    computers: int
    servers: int


def seats_of(running: Iterable[Seats]) -> dict[str, int]:
    """The seats that running subscriptions and their add-ons give."""
    running = list(running)
    return {
        "seats": sum(s.quantity * s.computers for s in running),
        "server_seats": sum(s.quantity * s.servers for s in running),
    }


def summarize(latest: Latest | None, running: Iterable[Seats]) -> dict[str, Any]:
    """Answers the accounts-list columns and the seats of one account."""
    return {
        "status": latest.status if latest else "none",
        "product": latest.product if latest else None,
        "plan": latest.plan if latest else None,
        "expires_at": latest.expires_at if latest else None,
        **seats_of(running),
    }
