"""Accounts' repositories, one per kind of row. Every read is scoped by partner; released accounts
are gone for their partner."""

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, bindparam, func, or_, select, update

from portal_common.repository import Repository

from accounts.adapters.orm import Account, AccountUser, Company, Computer, Logo


class Companies(Repository):
    model = Company


class Logos(Repository):
    model = Logo

    def exists(self, partner_id: str) -> bool:
        return self.get(partner_id) is not None


_accounts = Account.__table__
# The read model's updates from other services' events, the busiest writes of accounts, as Core
# statements built once (the ORM's loading and flush cost several times the queries).
ACCOUNT_ROW = select(_accounts).where(_accounts.c.id == bindparam("account_id"))
ACCOUNT_ROW_LOCKED = ACCOUNT_ROW.with_for_update()
SET_ACCOUNT_COLUMNS = update(_accounts).where(_accounts.c.id == bindparam("account_id"))


class Accounts(Repository):
    model = Account

    def row(self, account_id: str, for_update: bool = False) -> Any:
        """The account's columns (a read-only row with the attributes of an Account), or None;
        `for_update` locks it (PostgreSQL)."""
        statement = ACCOUNT_ROW_LOCKED if for_update else ACCOUNT_ROW
        return self.session.execute(statement, {"account_id": account_id}).one_or_none()

    def set_columns(self, account_id: str, values: dict[str, Any]) -> None:
        self.session.execute(SET_ACCOUNT_COLUMNS.values(**values), {"account_id": account_id})

    def of_partner(self, partner_id: str, account_id: str, for_update: bool = False) -> Account | None:
        """The partner's live account, or None."""
        stmt = select(Account).where(
            Account.id == account_id, Account.partner_id == partner_id, Account.released_at.is_(None)
        )
        if for_update:
            stmt = stmt.with_for_update()
        return self.session.scalars(stmt).one_or_none()

    def listed_page(
        self, partner_id: str, rows: int, after: str | None = None, status: str | None = None, q: str | None = None
    ) -> Sequence[Row[Any]]:
        """Up to `rows` of (id, the item's JSON) of the partner's accounts list, in id order after `after`."""
        params: dict[str, Any] = {"partner_id": partner_id, "rows": rows, "after": after, "status": status}
        if q:
            params["pattern"] = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return self.session.execute(_listed_page(after is not None, bool(status), bool(q)), params).all()


@functools.cache
def _listed_page(after: bool, by_status: bool, by_search: bool) -> Select[Any]:
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


class Users(Repository):
    model = AccountUser

    def of_account(self, account_id: str) -> Sequence[AccountUser]:
        return self.session.scalars(
            select(AccountUser).where(AccountUser.account_id == account_id).order_by(AccountUser.id)
        ).all()

    def by_email(self, account_id: str, email_key: str) -> AccountUser | None:
        return self.session.scalars(
            select(AccountUser).where(AccountUser.account_id == account_id, AccountUser.email_key == email_key)
        ).one_or_none()


class Computers(Repository):
    model = Computer

    def live_of_account(self, account_id: str) -> Sequence[Computer]:
        return self.session.scalars(
            select(Computer)
            .where(Computer.account_id == account_id, Computer.removed_at.is_(None))
            .order_by(Computer.id)
        ).all()

    def live_named(self, account_id: str, name_key: str) -> Computer | None:
        """The account's live computer whose name reads as `name_key`, or None."""
        return self.session.scalars(
            select(Computer).where(Computer.account_id == account_id, Computer.name_key == name_key)
        ).one_or_none()

    def unkeyed_live(self, account_id: str) -> Sequence[Computer]:
        """Live computers without a name key: ones that shared their name when names became unique."""
        return self.session.scalars(
            select(Computer)
            .where(Computer.account_id == account_id, Computer.removed_at.is_(None), Computer.name_key.is_(None))
            .order_by(Computer.created_at, Computer.id)
        ).all()

    def by_agent_key(self, key_hash: str) -> tuple[Computer, str] | None:
        """(the live computer with this agent key, its partner), or None."""
        found = self.session.execute(
            select(Computer, Account.partner_id)
            .join(Account, Account.id == Computer.account_id)
            .where(Computer.agent_key_hash == key_hash, Computer.removed_at.is_(None))
        ).one_or_none()
        return None if found is None else (found[0], found[1])

    def monitored_by(self, partner_id: str, computer_id: str) -> bool:
        """Whether the computer is live, of a live account the partner administers."""
        found = self.session.execute(
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
        return found is not None
