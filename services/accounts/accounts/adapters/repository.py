"""Accounts' queries. Every read is scoped by partner; released accounts are gone for their partner."""

import functools

from sqlalchemy import bindparam, func, or_, select

from accounts.adapters.orm import Account, AccountUser, Computer


def listed_page(session, partner_id, rows, after=None, status=None, q=None):
    """Up to `rows` of (id, the item's JSON) of the partner's accounts list, in id order after `after`."""
    params = {"partner_id": partner_id, "rows": rows, "after": after, "status": status}
    if q:
        params["pattern"] = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return session.execute(_listed_page(after is not None, bool(status), bool(q)), params).all()


@functools.cache
def _listed_page(after, by_status, by_search):
    """The statement of each shape of the list made once: it is the most read page, and building a
    statement costs as much as running it."""
    accounts = Account.__table__.c
    stmt = select(accounts.id, accounts.listed).where(
        accounts.partner_id == bindparam("partner_id"), accounts.released_at.is_(None)
    )
    if after:
        stmt = stmt.where(accounts.id > bindparam("after"))
    if by_status:
        stmt = stmt.where(accounts.status == bindparam("status"))
    if by_search:
        stmt = stmt.where(
            or_(
                func.lower(accounts.name).like(bindparam("pattern"), escape="\\"),
                func.lower(accounts.contact_email).like(bindparam("pattern"), escape="\\"),
            )
        )
    return stmt.order_by(accounts.id).limit(bindparam("rows"))


def account_of_partner(session, partner_id, account_id, for_update=False):
    stmt = select(Account).where(
        Account.id == account_id, Account.partner_id == partner_id, Account.released_at.is_(None)
    )
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).one_or_none()


def users_of(session, account_id):
    return session.scalars(
        select(AccountUser).where(AccountUser.account_id == account_id).order_by(AccountUser.id)
    ).all()


def user_by_email(session, account_id, email_key):
    return session.scalars(
        select(AccountUser).where(AccountUser.account_id == account_id, AccountUser.email_key == email_key)
    ).one_or_none()


def computers_of(session, account_id):
    return session.scalars(
        select(Computer).where(Computer.account_id == account_id, Computer.removed_at.is_(None)).order_by(Computer.id)
    ).all()


def live_computer_named(session, account_id, name_key):
    """The account's live computer whose name reads as `name_key`, or None."""
    return session.scalars(
        select(Computer).where(Computer.account_id == account_id, Computer.name_key == name_key)
    ).one_or_none()


def unkeyed_live_computers(session, account_id):
    """Live computers without a name key: ones that shared their name when names became unique."""
    return session.scalars(
        select(Computer)
        .where(Computer.account_id == account_id, Computer.removed_at.is_(None), Computer.name_key.is_(None))
        .order_by(Computer.created_at, Computer.id)
    ).all()


def count_computers(session, account_id, kind=None):
    stmt = select(func.count()).where(Computer.account_id == account_id, Computer.removed_at.is_(None))
    if kind:
        stmt = stmt.where(Computer.kind == kind)
    return session.scalar(stmt)


def computer_by_key(session, key_hash):
    """(the live computer with this agent key, its partner), or None."""
    return session.execute(
        select(Computer, Account.partner_id)
        .join(Account, Account.id == Computer.account_id)
        .where(Computer.agent_key_hash == key_hash, Computer.removed_at.is_(None))
    ).one_or_none()


def monitored_computer(session, partner_id, computer_id):
    return session.execute(
        select(Computer.id)
        .join(Account, Account.id == Computer.account_id)
        .where(
            Computer.id == computer_id,
            Computer.removed_at.is_(None),
            Account.partner_id == partner_id,
            Account.released_at.is_(None),
            Account.administered.is_(True),
        )
    ).one_or_none()
