"""Accounts' queries. Every read is scoped by partner; released accounts are gone for their partner."""
from sqlalchemy import func, or_, select

from accounts.adapters.orm import Account, AccountUser, Computer


def listed_accounts(partner_id, status=None, q=None):
    stmt = select(Account).where(Account.partner_id == partner_id, Account.released_at.is_(None))
    if status:
        stmt = stmt.where(Account.status == status)
    if q:
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(
            func.lower(Account.name).like(pattern, escape="\\"),
            func.lower(Account.contact_email).like(pattern, escape="\\"),
        ))
    return stmt


def account_of_partner(session, partner_id, account_id, for_update=False):
    stmt = select(Account).where(
        Account.id == account_id, Account.partner_id == partner_id, Account.released_at.is_(None)
    )
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).one_or_none()


def users_of(session, account_id):
    return session.scalars(select(AccountUser).where(AccountUser.account_id == account_id).order_by(AccountUser.id)).all()


def user_by_email(session, account_id, email_key):
    return session.scalars(
        select(AccountUser).where(AccountUser.account_id == account_id, AccountUser.email_key == email_key)
    ).one_or_none()


def computers_of(session, account_id):
    return session.scalars(
        select(Computer).where(Computer.account_id == account_id, Computer.removed_at.is_(None)).order_by(Computer.id)
    ).all()


def count_computers(session, account_id, kind=None):
    stmt = select(func.count()).where(Computer.account_id == account_id, Computer.removed_at.is_(None))
    if kind:
        stmt = stmt.where(Computer.kind == kind)
    return session.scalar(stmt)
