"""What billing's use cases share: finding a partner's subscription, building an order, and telling
accounts what an account's subscriptions now add up to."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from portal_common.caller import Caller
from portal_common.db import create_once
from portal_common.errors import AccountsToBeAsked, Conflict, NotFound, ValidationFailed
from portal_common.events import ORDER_PLACED, SUBSCRIPTION_CHANGED
from portal_common.ids import new_id

from billing.adapters.orm import AccountLink, Order, OrderLine
from billing.adapters.unit_of_work import BillingUnitOfWork
from billing.domain.catalog import Catalog, Plan
from billing.domain.summary import Seats, summarize
from billing.usecases import activity, views


def require_found(found: Any) -> None:
    """404 unless the gateway found the account(s) the caller names with accounts. Checked after the
    Idempotency-Key and the request's own checks, so a replay answers as it first did and a bad
    request is a 400 whatever its accounts."""
    if not found:
        raise NotFound("No such account.")


def find_subscription(
    uow: BillingUnitOfWork, caller: Caller, subscription_id: str, for_update: bool = False, to_change: bool = False
) -> Any:
    """The caller's subscription; `to_change`: one of an account the partner has not released (those
    run to their expiry as they are: still the partner's to look at, no longer to change)."""
    row = uow.subscriptions.of_partner(caller["partner_id"], subscription_id, for_update)
    if row is None:
        raise NotFound("No such subscription.")
    if to_change and uow.account_links.is_released(row.account_id):
        raise Conflict("The subscription's account was released: it runs to its expiry as it is.")
    return row


def subscription_view(uow: BillingUnitOfWork, row: Any) -> dict[str, Any]:
    return views.subscription(row, uow.addons.of_subscription(row.id))


def _at(path, field, message):
    """`details` for a field at `path` (`items` → `"0"` → `plan`: named `items.0.plan` in the answer)."""
    details: dict[str, Any] = {field: [message]}
    for part in reversed(path):
        details = {part: details}
    return details


def plan_or_400(catalog: Catalog, product: str, plan: str, path: tuple[str, ...] = ()) -> Plan:
    if catalog.product(product) is None:
        raise ValidationFailed("No such product.", _at(path, "product", f"Not a product of the catalog: {product}."))
    found = catalog.plan(product, plan)
    if found is None:
        raise ValidationFailed("No such plan.", _at(path, "plan", f"Not a plan of {product}: {plan}."))
    return found


def term_or_400(catalog: Catalog, years: int, path: tuple[str, ...] = ()) -> int:
    if years not in catalog.terms:
        raise ValidationFailed("No such term.", _at(path, "term_years", f"Terms are {sorted(catalog.terms)} years."))
    return years


class OrderBuilder:
    """Stages an order and its lines; `placed()` writes them in the unit of work and is the answer."""

    def __init__(self, uow: BillingUnitOfWork, catalog: Catalog, caller: Caller, kind: str, now: dt.datetime) -> None:
        self.uow, self.now = uow, now
        self.row = Order(
            id=new_id(),
            partner_id=caller["partner_id"],
            kind=kind,
            currency=catalog.currency,
            total_cents=0,
            created_at=now,
        )
        self.lines: list[Any] = []

    def line(
        self,
        *,
        product: str,
        plan: str,
        term_years: int | None,
        quantity: int,
        unit_price_cents: int,
        amount_cents: int,
        subscription_id: str,
        account_id: str | None = None,
        addon: Any = None,
    ) -> Any:
        line = OrderLine(
            id=new_id(),
            order_id=self.row.id,
            position=len(self.lines),
            product=product,
            plan=plan,
            addon=addon,
            term_years=term_years,
            quantity=quantity,
            unit_price_cents=unit_price_cents,
            amount_cents=amount_cents,
            account_id=account_id,
            subscription_id=subscription_id,
        )
        self.lines.append(line)
        self.row.total_cents += amount_cents
        return line

    def placed(self) -> Any:
        """The order as the contract shows it, told to others (notifications: `order.placed`)."""
        self.uow.orders.insert(self.row)
        self.uow.order_lines.insert(*self.lines)
        view = views.order(self.row, self.lines)
        self.uow.emit(ORDER_PLACED, self.row.id, 1, self.now, partner_id=self.row.partner_id, order=view)
        activity.order_placed(self.uow, self.now, self.row, self.lines)
        return view


def running_seats(uow: BillingUnitOfWork, catalog: Catalog, account_id: str) -> list[Seats]:
    """What the account's running subscriptions hold, added up by plan and add-on in the database (a
    few rows whatever the account's history, so that every sale to it costs the same)."""
    running = []
    for product, plan_id, quantity in uow.subscriptions.running_of_account(account_id):
        plan = catalog.plan(product, plan_id)
        if plan is not None:
            running.append(Seats(quantity, plan.computers_included, plan.servers_included))
    for addon_id, quantity in uow.addons.running_of_account(account_id):
        addon = catalog.addon(addon_id)
        if addon is not None:
            running.append(Seats(quantity, addon.computers_included, addon.servers_included))
    return running


def account_summary(uow: BillingUnitOfWork, catalog: Catalog, account_id: str) -> dict[str, Any]:
    return summarize(uow.subscriptions.latest_of_account(account_id), running_seats(uow, catalog, account_id))


def sell_to(
    uow: BillingUnitOfWork, partner_id: str, account_ids: Iterable[str], found_by_accounts: bool | None
) -> None:
    """404 unless every account is the partner's live one. `found_by_accounts` is accounts' answer,
    when the gateway asked it; None: billing answers from what it knows, the accounts it sold to or
    heard opened (one hop fewer for an order), and raises AccountsToBeAsked for one it has not heard
    of yet, or whose release has begun and not been heard of (`account_releasing`), so that the
    gateway asks accounts and calls again with its answer. A release is for good: an account billing
    knows released is not found, whatever accounts answered a moment before."""
    account_ids = sorted(set(account_ids))
    if found_by_accounts is not None:
        require_found(found_by_accounts)
        for account_id in account_ids:
            link_account(uow, account_id, partner_id)
    with uow:
        links = uow.account_links.states(account_ids)
    if found_by_accounts is None and any(
        account_id not in links or (links[account_id].releasing and not links[account_id].released)
        for account_id in account_ids
    ):
        raise AccountsToBeAsked()
    require_found(
        len(links) == len(account_ids)
        and all(link.partner_id == partner_id and not link.released for link in links.values())
    )


def link_account(uow: BillingUnitOfWork, account_id: str, partner_id: str) -> None:
    """Billing's row for an account it sells to, made before the first sale (outside its transaction,
    so that two first sales at once do not collide); every later change locks it."""
    with uow:
        known = uow.account_links.get(account_id) is not None
    if not known:
        create_once(
            uow, lambda: AccountLink(account_id=account_id, partner_id=partner_id, released=False, summary_version=0)
        )


def account_changed(
    uow: BillingUnitOfWork, catalog: Catalog, account_id: str, partner_id: str, now: dt.datetime
) -> None:
    """Bump the account's summary version and emit what accounts' list and seats need."""
    version = uow.account_links.next_summary_version(account_id)
    summary = account_summary(uow, catalog, account_id)
    summary["expires_at"] = views.iso_or_none(summary["expires_at"])
    uow.emit(SUBSCRIPTION_CHANGED, account_id, version, now, partner_id=partner_id, **summary)
