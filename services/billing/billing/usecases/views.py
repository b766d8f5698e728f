"""The shapes billing answers with, dumped to plain JSON (stored as-is for idempotent replays)."""

import datetime as dt
from typing import Any

from portal_common.events import iso
from portal_common.schemas import billing as api
from portal_common.schemas import dump


def subscription(row: Any, addons: Any = ()) -> Any:
    return dump(
        api.Subscription,
        {
            "id": row.id,
            "product": row.product,
            "plan": row.plan,
            "term_years": row.term_years,
            "quantity": row.quantity,
            "status": row.status,
            "account_id": row.account_id,
            "starts_at": row.starts_at,
            "expires_at": row.expires_at,
            "auto_renew": row.auto_renew,
            "converted_to": row.converted_to,
            "addons": [
                {
                    "id": a.id,
                    "addon": a.addon,
                    "quantity": a.quantity,
                    "starts_at": a.starts_at,
                    "expires_at": row.expires_at,
                }
                for a in addons
            ],
        },
    )


def order(row: Any, lines: Any) -> Any:
    return dump(
        api.Order,
        {
            "id": row.id,
            "kind": row.kind,
            "created_at": row.created_at,
            "currency": row.currency,
            "total_cents": row.total_cents,
            "lines": [
                {
                    "product": line.product,
                    "plan": line.plan,
                    "addon": line.addon,
                    "term_years": line.term_years,
                    "quantity": line.quantity,
                    "unit_price_cents": line.unit_price_cents,
                    "amount_cents": line.amount_cents,
                    "account_id": line.account_id,
                    "subscription_id": line.subscription_id,
                }
                for line in lines
            ],
        },
    )


def iso_or_none(when: dt.datetime | None) -> str | None:
    return iso(when) if when is not None else None
