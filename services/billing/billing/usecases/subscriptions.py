"""Looking at subscriptions, auto-renew, and what happens to them when an account is released."""

import datetime as dt
from typing import Any

from portal_common.caller import Caller
from portal_common.errors import Conflict

from billing.adapters.unit_of_work import BillingUnitOfWork
from billing.domain.catalog import Catalog
from billing.domain.summary import seats_of
from billing.usecases import activity, views
from billing.usecases.shared import find_subscription, link_account, running_seats, subscription_view


def list_subscriptions(uow: BillingUnitOfWork, caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    """In id order; the renewals view (`expires_before`) soonest expiry first."""
    with uow:
        rows, next_cursor = uow.subscriptions.page_of_partner(
            caller["partner_id"], query, query["limit"], query["cursor"]
        )
        addons = uow.addons.of_subscriptions([row.id for row in rows])
        return {"items": [views.subscription(row, addons.get(row.id, ())) for row in rows], "next_cursor": next_cursor}


def account_subscriptions(uow: BillingUnitOfWork, caller: Caller, account_id: str) -> list[dict[str, Any]]:
    with uow:
        rows = [row for row in uow.subscriptions.of_account(account_id) if row.partner_id == caller["partner_id"]]
        addons = uow.addons.of_subscriptions([row.id for row in rows])
        return [views.subscription(row, addons.get(row.id, ())) for row in rows]


def account_seats(uow: BillingUnitOfWork, catalog: Catalog, caller: Caller, account_id: str) -> dict[str, Any]:
    """What the account's running subscriptions of the caller's partner give; none for an account
    billing has not sold to (or another partner's)."""
    with uow:
        link = uow.account_links.get(account_id)
        if link is None or link.partner_id != caller["partner_id"]:
            return {"seats": 0, "server_seats": 0}
        return seats_of(running_seats(uow, catalog, account_id))


def get_subscription(uow: BillingUnitOfWork, caller: Caller, subscription_id: str) -> Any:
    with uow:
        return subscription_view(uow, find_subscription(uow, caller, subscription_id))


def set_auto_renew(
    uow: BillingUnitOfWork, now: dt.datetime, caller: Caller, subscription_id: str, auto_renew: bool
) -> Any:
    with uow:
        row = find_subscription(uow, caller, subscription_id, to_change=True)
        if auto_renew and row.status == "expired":
            raise Conflict("An expired subscription does not renew.")
        released = uow.account_links.is_released(row.account_id)
        if auto_renew and released:
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
        view = subscription_view(uow, row)
        uow.commit()
        return view


def account_opened(uow: BillingUnitOfWork, account_id: str, partner_id: str) -> None:
    """Billing's row for an account accounts opened, once however often it hears of it; a release
    heard first stays a release (the row exists, and is not made again)."""
    link_account(uow, account_id, partner_id)


def account_releasing(uow: BillingUnitOfWork, account_id: str, partner_id: str) -> None:
    """The gateway's first step of a release, before accounts releases the account: from now on
    billing asks accounts before it sells to it, so that no sale slips in between the release and
    billing hearing of it (should the gateway's follow-up not get through). Only the partner's own
    account; nothing for one billing does not know (it asks accounts about those anyway)."""
    with uow:
        link = uow.account_links.get(account_id, for_update=True)
        if link is None or link.partner_id != partner_id or link.releasing:
            return
        link.releasing = True
        uow.commit()


def account_released(uow: BillingUnitOfWork, account_id: str, partner_id: str) -> None:
    """Idempotent: the partner renews nothing of a released account any more."""
    link_account(uow, account_id, partner_id)
    with uow:
        link = uow.account_links.locked(account_id)
        link.released = True
        uow.subscriptions.stop_renewing_account(account_id)
        uow.commit()
