"""Billing's repositories, one per kind of row. Every read of a partner's data is scoped by partner id.

A change that two requests or two billing instances may race to make is a conditional UPDATE that
answers whether it won (its rowcount): the database settles the race, not a read before the write.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, func, or_, select, update

from portal_common.pagination import paginate, paginate_by_time
from portal_common.prepared import Prepared
from portal_common.repository import Repository

from billing.adapters.orm import AccountLink, IdempotencyKey, Order, OrderLine, Subscription, SubscriptionAddon
from billing.domain.summary import RUNNING, Latest

# The reads and the version bump every sale makes, built once as Core statements on the tables and
# run prepared (`portal_common.prepared`): the ORM's building and loading of a statement costs several
# times the query itself (about 0.3 ms against 0.03 for a lookup by key here), and SQLAlchemy's
# execution of a Core one still most of it; a sale makes half a dozen.
_subscriptions = Subscription.__table__.c
_addons = SubscriptionAddon.__table__.c
_links = AccountLink.__table__.c
_keys = IdempotencyKey.__table__.c
LATEST_OF_ACCOUNT = Prepared(
    select(_subscriptions.status, _subscriptions.product, _subscriptions.plan, _subscriptions.expires_at)
    .where(_subscriptions.account_id == bindparam("account_id"))
    .order_by(_subscriptions.starts_at.desc(), _subscriptions.id.desc())
    .limit(1)
)
RUNNING_PLANS_OF_ACCOUNT = Prepared(
    select(_subscriptions.product, _subscriptions.plan, func.sum(_subscriptions.quantity))
    .where(_subscriptions.account_id == bindparam("account_id"), _subscriptions.status.in_(RUNNING))
    .group_by(_subscriptions.product, _subscriptions.plan)
)
RUNNING_ADDONS_OF_ACCOUNT = Prepared(
    select(_addons.addon, func.sum(_addons.quantity))
    .join(Subscription.__table__, _subscriptions.id == _addons.subscription_id)
    .where(_subscriptions.account_id == bindparam("account_id"), _subscriptions.status.in_(RUNNING))
    .group_by(_addons.addon)
)
_STATE = (_links.account_id, _links.partner_id, _links.released, _links.releasing)
LINK_OF_ACCOUNT = Prepared(select(*_STATE).where(_links.account_id == bindparam("account_id")))
LINKS_OF_ACCOUNTS = select(*_STATE).where(_links.account_id.in_(bindparam("account_ids", expanding=True)))
NEXT_SUMMARY_VERSION = Prepared(
    update(AccountLink.__table__)
    .where(_links.account_id == bindparam("linked_account"))
    .values(summary_version=_links.summary_version + 1)
    .returning(_links.summary_version)
)
KEY_OF_PARTNER = Prepared(
    select(_keys.request_hash, _keys.response).where(
        _keys.partner_id == bindparam("partner_id"), _keys.key == bindparam("key")
    )
)


class Subscriptions(Repository):
    model = Subscription

    def of_partner(self, partner_id: str, subscription_id: str, for_update: bool = False) -> Subscription | None:
        stmt = select(Subscription).where(Subscription.id == subscription_id, Subscription.partner_id == partner_id)
        if for_update:
            stmt = stmt.with_for_update(of=Subscription)
        return self.session.scalars(stmt).one_or_none()

    def page_of_partner(
        self, partner_id: str, filters: dict[str, Any], limit: int, cursor: str | None
    ) -> tuple[Sequence[Subscription], str | None]:
        """A page of the partner's subscriptions in id order; with `expires_before` in `filters` (the
        renewals view), those expiring before then, soonest expiry first. `filters` may also hold
        `status`, `account_id` and `auto_renew`."""
        stmt = select(Subscription).where(Subscription.partner_id == partner_id)
        if filters.get("status"):
            stmt = stmt.where(Subscription.status == filters["status"])
        if filters.get("account_id"):
            stmt = stmt.where(Subscription.account_id == filters["account_id"])
        if filters.get("expires_before") is not None:
            stmt = stmt.where(Subscription.expires_at < filters["expires_before"])
        if filters.get("auto_renew") is not None:
            stmt = stmt.where(Subscription.auto_renew.is_(filters["auto_renew"]))
        if "expires_before" in filters:
            return paginate_by_time(self.session, stmt, Subscription.expires_at, Subscription.id, limit, cursor)
        return paginate(self.session, stmt, Subscription.id, limit, cursor)

    def of_account(self, account_id: str) -> Sequence[Subscription]:
        """Every subscription the account has had, whoever's, in id order."""
        return self.session.scalars(
            select(Subscription).where(Subscription.account_id == account_id).order_by(Subscription.id)
        ).all()

    def latest_of_account(self, account_id: str) -> Latest | None:
        """The account's subscription that started last (the latest id among those that started together)."""
        rows = LATEST_OF_ACCOUNT.rows(self.session, account_id=account_id)
        return Latest(*rows[0]) if rows else None

    def running_of_account(self, account_id: str) -> list[tuple[str, str, int]]:
        """How many of each plan the account's running subscriptions hold: (product, plan, quantity),
        added up in the database, however many subscriptions the account has had."""
        rows = RUNNING_PLANS_OF_ACCOUNT.rows(self.session, account_id=account_id)
        return [(product, plan, int(quantity)) for product, plan, quantity in rows]

    def as_stored(self, subscription_id: str) -> Subscription | None:
        """The subscription as the database holds it now (after a conditional update, which leaves the
        session's copy as it was)."""
        return self.session.get(Subscription, subscription_id, populate_existing=True)

    def refresh(self, row: Subscription) -> None:
        """Read this session's row again as the database holds it now."""
        self.session.refresh(row)

    def due(self, now: dt.datetime, limit: int) -> Sequence[Subscription]:
        """Trials and active subscriptions that have reached their expiry, soonest first."""
        return self.session.scalars(
            select(Subscription)
            .where(Subscription.status.in_(("trial", "active")), Subscription.expires_at <= now)
            .order_by(Subscription.expires_at)
            .limit(limit)
        ).all()

    def ending_unrenewed(
        self, now: dt.datetime, horizon: dt.datetime, after: str, limit: int
    ) -> Sequence[Subscription]:
        """Trials, and active subscriptions with auto-renew off, that end after `now` and by `horizon`:
        up to `limit` of them in id order, after the id `after`."""
        return self.session.scalars(
            select(Subscription)
            .where(
                or_(
                    Subscription.status == "trial",
                    and_(Subscription.status == "active", Subscription.auto_renew.is_(False)),
                ),
                Subscription.expires_at > now,
                Subscription.expires_at <= horizon,
                Subscription.id > after,
            )
            .order_by(Subscription.id)
            .limit(limit)
        ).all()

    def claim_available(
        self,
        partner_id: str,
        subscription_id: str,
        account_id: str,
        starts_at: dt.datetime,
        expires_at: dt.datetime,
    ) -> bool:
        """Move an inventory subscription onto an account, if nobody did first (settled in the UPDATE)."""
        return self._changed_one(
            update(Subscription)
            .where(
                Subscription.id == subscription_id,
                Subscription.partner_id == partner_id,
                Subscription.status == "available",
            )
            .values(
                status="active",
                account_id=account_id,
                starts_at=starts_at,
                expires_at=expires_at,
                version=Subscription.version + 1,
            )
        )

    def renew_if_unchanged(
        self, subscription: Subscription, new_starts_at: dt.datetime, new_expires_at: dt.datetime
    ) -> bool:
        """Renew once even if two billing instances race on the same subscription."""
        return self._changed_one(
            update(Subscription)
            .where(
                Subscription.id == subscription.id,
                Subscription.status == "active",
                Subscription.expires_at == subscription.expires_at,
            )
            .values(starts_at=new_starts_at, expires_at=new_expires_at, version=Subscription.version + 1)
        )

    def end_if_unchanged(self, subscription: Subscription) -> bool:
        """Expire it once, unless its status or expiry changed since it was read."""
        return self._changed_one(
            update(Subscription)
            .where(
                Subscription.id == subscription.id,
                Subscription.status == subscription.status,
                Subscription.expires_at == subscription.expires_at,
            )
            .values(status="expired", version=Subscription.version + 1)
        )

    def stop_renewing_account(self, account_id: str) -> None:
        """Auto-renew off for every subscription of the account that had it on."""
        self.session.execute(
            update(Subscription)
            .where(Subscription.account_id == account_id, Subscription.auto_renew.is_(True))
            .values(auto_renew=False, version=Subscription.version + 1)
            .execution_options(synchronize_session=False)
        )


class Addons(Repository):
    model = SubscriptionAddon

    def of_subscriptions(self, subscription_ids: list[str]) -> dict[str, list[SubscriptionAddon]]:
        """The add-ons bought for each of the subscriptions (those with none are left out), in id order."""
        if not subscription_ids:
            return {}
        rows = self.session.scalars(
            select(SubscriptionAddon)
            .where(SubscriptionAddon.subscription_id.in_(subscription_ids))
            .order_by(SubscriptionAddon.id)
        ).all()
        grouped: dict[str, list[SubscriptionAddon]] = {}
        for row in rows:
            grouped.setdefault(row.subscription_id, []).append(row)
        return grouped

    def running_of_account(self, account_id: str) -> list[tuple[str, int]]:
        """How many of each add-on the account's running subscriptions hold: (addon, quantity)."""
        rows = RUNNING_ADDONS_OF_ACCOUNT.rows(self.session, account_id=account_id)
        return [(addon, int(quantity)) for addon, quantity in rows]

    def of_subscription(self, subscription_id: str) -> list[SubscriptionAddon]:
        return self.of_subscriptions([subscription_id]).get(subscription_id, [])


class Orders(Repository):
    model = Order

    def of_partner(self, partner_id: str, order_id: str) -> Order | None:
        return self.session.scalars(
            select(Order).where(Order.id == order_id, Order.partner_id == partner_id)
        ).one_or_none()

    def page_of_partner(self, partner_id: str, limit: int, cursor: str | None) -> tuple[Sequence[Order], str | None]:
        """A page of the partner's orders, in id order (the order they were placed)."""
        return paginate(self.session, select(Order).where(Order.partner_id == partner_id), Order.id, limit, cursor)


class OrderLines(Repository):
    model = OrderLine

    def of_orders(self, order_ids: list[str]) -> dict[str, list[OrderLine]]:
        """Each order's lines, in the order they were bought."""
        rows = self.session.scalars(
            select(OrderLine).where(OrderLine.order_id.in_(order_ids)).order_by(OrderLine.order_id, OrderLine.position)
        ).all()
        grouped: dict[str, list[OrderLine]] = {}
        for row in rows:
            grouped.setdefault(row.order_id, []).append(row)
        return grouped


class LinkState(NamedTuple):
    partner_id: str
    released: bool
    releasing: bool


class AccountLinks(Repository):
    """Billing's row of each account it sells to (see `usecases.shared.link_account`)."""

    model = AccountLink

    def locked(self, account_id: str) -> AccountLink:
        """The account's link row, locked for this transaction; there is one (`link_account` made it)."""
        return self.session.scalars(
            select(AccountLink).where(AccountLink.account_id == account_id).with_for_update()
        ).one()

    def next_summary_version(self, account_id: str) -> int:
        """Bump the account's summary version and answer it; the row stays locked for this transaction
        (there is one: `link_account` made it)."""
        [(version,)] = NEXT_SUMMARY_VERSION.rows(self.session, linked_account=account_id)
        return version

    def states(self, account_ids: Sequence[str]) -> dict[str, LinkState]:
        """Each known account's state, by id: accounts billing does not know are left out. One account
        (a sale's, nearly always) is a prepared lookup by key."""
        if len(account_ids) == 1:
            rows = LINK_OF_ACCOUNT.rows(self.session, account_id=account_ids[0])
        else:
            rows = self.session.execute(LINKS_OF_ACCOUNTS, {"account_ids": list(account_ids)}).all()
        return {account_id: LinkState(*state) for account_id, *state in rows}

    def is_released(self, account_id: str | None) -> bool:
        """Whether the account was released (False for none, or one billing has not sold to)."""
        link = self.get(account_id) if account_id else None
        return link is not None and link.released


class KeptAnswer(NamedTuple):
    request_hash: str
    response: Any


class IdempotencyKeys(Repository):
    model = IdempotencyKey

    def of_partner(self, partner_id: str, key: str | None) -> KeptAnswer | None:
        """The key's request hash and answer, or None."""
        rows = KEY_OF_PARTNER.rows(self.session, partner_id=partner_id, key=key)
        return KeptAnswer(*rows[0]) if rows else None
