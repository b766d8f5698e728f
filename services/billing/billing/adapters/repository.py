"""Billing's queries. Every read of a partner's data is scoped by partner id."""

from sqlalchemy import or_, select, update

from billing.adapters.orm import AccountLink, Order, OrderLine, Subscription, SubscriptionAddon


def subscription_of_partner(session, partner_id, subscription_id, for_update=False, live_only=False):
    """A partner's subscription; with `live_only`, not one of an account it released (those run to
    their expiry, and the partner can look at them but no longer change or add to them)."""
    stmt = select(Subscription).where(Subscription.id == subscription_id, Subscription.partner_id == partner_id)
    if live_only:
        stmt = stmt.outerjoin(AccountLink, AccountLink.account_id == Subscription.account_id).where(
            or_(AccountLink.released.is_(None), AccountLink.released.is_(False))
        )
    if for_update:
        stmt = stmt.with_for_update(of=Subscription)
    return session.scalars(stmt).one_or_none()


def subscriptions_of_partner(partner_id, status=None, account_id=None, expires_before=None, auto_renew=None):
    stmt = select(Subscription).where(Subscription.partner_id == partner_id)
    if status:
        stmt = stmt.where(Subscription.status == status)
    if account_id:
        stmt = stmt.where(Subscription.account_id == account_id)
    if expires_before is not None:
        stmt = stmt.where(Subscription.expires_at < expires_before)
    if auto_renew is not None:
        stmt = stmt.where(Subscription.auto_renew.is_(auto_renew))
    return stmt


def subscriptions_of_account(session, account_id):
    return session.scalars(
        select(Subscription).where(Subscription.account_id == account_id).order_by(Subscription.id)
    ).all()


def addons_of(session, subscription_ids):
    if not subscription_ids:
        return {}
    rows = session.scalars(
        select(SubscriptionAddon)
        .where(SubscriptionAddon.subscription_id.in_(subscription_ids))
        .order_by(SubscriptionAddon.id)
    ).all()
    grouped = {}
    for row in rows:
        grouped.setdefault(row.subscription_id, []).append(row)
    return grouped


def order_of_partner(session, partner_id, order_id):
    return session.scalars(select(Order).where(Order.id == order_id, Order.partner_id == partner_id)).one_or_none()


def orders_of_partner(partner_id):
    return select(Order).where(Order.partner_id == partner_id)


def lines_of(session, order_ids):
    rows = session.scalars(
        select(OrderLine).where(OrderLine.order_id.in_(order_ids)).order_by(OrderLine.order_id, OrderLine.position)
    ).all()
    grouped = {}
    for row in rows:
        grouped.setdefault(row.order_id, []).append(row)
    return grouped


def lock_account(session, account_id):
    """The account's link row (see `usecases.shared.link_account`), locked for this transaction."""
    return session.scalars(select(AccountLink).where(AccountLink.account_id == account_id).with_for_update()).one()


def claim_available(session, partner_id, subscription_id, account_id, starts_at, expires_at):
    """Move an inventory subscription onto an account, if nobody did first (settled in the UPDATE)."""
    result = session.execute(
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
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def due(session, now, limit):
    return session.scalars(
        select(Subscription)
        .where(Subscription.status.in_(("trial", "active")), Subscription.expires_at <= now)
        .order_by(Subscription.expires_at)
        .limit(limit)
    ).all()


def renew_if_unchanged(session, subscription, new_starts_at, new_expires_at):
    """Renew once even if two billing instances race on the same subscription."""
    result = session.execute(
        update(Subscription)
        .where(
            Subscription.id == subscription.id,
            Subscription.status == "active",
            Subscription.expires_at == subscription.expires_at,
        )
        .values(starts_at=new_starts_at, expires_at=new_expires_at, version=Subscription.version + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def end_if_unchanged(session, subscription):
    result = session.execute(
        update(Subscription)
        .where(
            Subscription.id == subscription.id,
            Subscription.status == subscription.status,
            Subscription.expires_at == subscription.expires_at,
        )
        .values(status="expired", version=Subscription.version + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
