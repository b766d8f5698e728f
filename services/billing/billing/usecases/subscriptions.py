"""Looking at subscriptions, auto-renew, and what happens to them when an account is released."""

import datetime as dt
from typing import Any

from sqlalchemy import update

from portal_common.caller import Caller
from portal_common.errors import Conflict
from portal_common.pagination import paginate, paginate_by_time
from portal_common.unit_of_work import UnitOfWork

from billing.adapters import repository
from billing.adapters.orm import AccountLink, Subscription
from billing.domain.catalog import Catalog
from billing.usecases import activity, views
from billing.usecases.shared import account_summary, find_subscription, link_account, subscription_view


def list_subscriptions(uow: UnitOfWork, caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    """In id order; the renewals view (`expires_before`) soonest expiry first."""
    stmt = repository.subscriptions_of_partner(
        caller["partner_id"],
        query.get("status"),
        query.get("account_id"),
        query.get("expires_before"),
        query.get("auto_renew"),
    )
    with uow:
        if "expires_before" in query:
            rows, next_cursor = paginate_by_time(
                uow.session, stmt, Subscription.expires_at, Subscription.id, query["limit"], query["cursor"]
            )
        else:
            rows, next_cursor = paginate(uow.session, stmt, Subscription.id, query["limit"], query["cursor"])
        addons = repository.addons_of(uow.session, [row.id for row in rows])
        return {"items": [views.subscription(row, addons.get(row.id, ())) for row in rows], "next_cursor": next_cursor}


def account_subscriptions(uow: UnitOfWork, caller: Caller, account_id: str) -> list[dict[str, Any]]:
    with uow:
        rows = [
            row
            for row in repository.subscriptions_of_account(uow.session, account_id)
            if row.partner_id == caller["partner_id"]
        ]
        addons = repository.addons_of(uow.session, [row.id for row in rows])
        return [views.subscription(row, addons.get(row.id, ())) for row in rows]


def account_seats(uow: UnitOfWork, catalog: Catalog, caller: Caller, account_id: str) -> dict[str, Any]:
    """What the account's running subscriptions of the caller's partner give; none for an account
    billing has not sold to (or another partner's)."""
    with uow:
        link = uow.session.get(AccountLink, account_id)
        if link is None or link.partner_id != caller["partner_id"]:
            return {"seats": 0, "server_seats": 0}
        summary = account_summary(uow.session, catalog, account_id)
        return {"seats": summary["seats"], "server_seats": summary["server_seats"]}


def get_subscription(uow: UnitOfWork, caller: Caller, subscription_id: str) -> Any:
    with uow:
        return subscription_view(uow.session, find_subscription(uow, caller, subscription_id))


def set_auto_renew(uow: UnitOfWork, now: dt.datetime, caller: Caller, subscription_id: str, auto_renew: bool) -> Any:
    with uow:
        row = find_subscription(uow, caller, subscription_id, to_change=True)
        if auto_renew and row.status == "expired":
            raise Conflict("An expired subscription does not renew.")
        link = uow.session.get(AccountLink, row.account_id) if row.account_id else None
        if auto_renew and link is not None and link.released:
            raise Conflict("The account was released: it renews on its own now.")
        if row.auto_renew != auto_renew:
            row.auto_renew = auto_renew
            row.version += 1
            activity.about_subscription(
                uow,
                now,
                row,
                "subscription.auto_renew_changed",
                "Auto-renew switched on" if auto_renew else "Auto-renew switched off",
            )
        view = subscription_view(uow.session, row)
        uow.commit()
        return view


def account_released(uow: UnitOfWork, account_id: str, partner_id: str) -> None:
    """Idempotent: the partner renews nothing of a released account any more."""
    link_account(uow, account_id, partner_id)
    with uow:
        link = repository.lock_account(uow.session, account_id)
        link.released = True
        uow.session.execute(
            update(Subscription)
            .where(Subscription.account_id == account_id, Subscription.auto_renew.is_(True))
            .values(auto_renew=False, version=Subscription.version + 1)
            .execution_options(synchronize_session=False)
        )
        uow.commit()
