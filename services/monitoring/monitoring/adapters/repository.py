"""Monitoring's repositories. A partner sees the live computers of the live accounts it administers;
each state is computed from the partner's threshold at the time of the read."""

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Row,
    Select,
    Table,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
)

from portal_common.pagination import paginate
from portal_common.repository import Repository

from monitoring.adapters.orm import MonitoredAccount, MonitoredComputer, PartnerSettings, Report
from monitoring.domain import states
from monitoring.domain.states import DEFAULT_THRESHOLD_HOURS

C, A = MonitoredComputer, MonitoredAccount


class Settings(Repository):
    model = PartnerSettings

    def threshold_of(self, partner_id: str) -> int:
        """The partner's hours, as stored (or flushed) in this transaction: read on every view, by a
        statement made once (an ORM `get` cost more than the overview's own query)."""
        hours = self.session.execute(_THRESHOLD, {"partner_id": partner_id}).scalar()
        return DEFAULT_THRESHOLD_HOURS if hours is None else hours


_THRESHOLD = select(PartnerSettings.__table__.c.not_backing_up_after_hours).where(
    PartnerSettings.__table__.c.partner_id == bindparam("partner_id")
)


class Accounts(Repository):
    model = MonitoredAccount

    def overview_of_partner(self, partner_id: str, cutoff: dt.datetime) -> tuple[int, int, int, int]:
        """(accounts, computers, bytes backed up, computers not backing up) of the partner's visible
        accounts, in one statement."""
        accounts, computers, bytes_backed_up, not_backing_up = self.session.execute(
            _overview(self.session.get_bind().dialect.name), {"partner_id": partner_id, "cutoff": cutoff}
        ).one()
        return accounts, computers, int(bytes_backed_up), int(not_backing_up)


class Computers(Repository):
    model = MonitoredComputer

    def locked(self, ids: Iterable[str]) -> dict[str, MonitoredComputer]:
        """The computers of these ids that are here, by id, locked in id order: two transactions
        locking some of the same computers never wait for each other's."""
        wanted = sorted(set(ids))
        return {
            computer.id: computer
            for computer in self.session.scalars(select(C).where(C.id.in_(wanted)).order_by(C.id).with_for_update())
        }

    def visible_page(
        self,
        partner_id: str,
        state: str | None,
        cutoff: dt.datetime,
        account_id: str | None,
        limit: int,
        cursor: str | None,
    ) -> tuple[Sequence[Row[MonitoredComputer, str]], str | None]:
        """A page of the partner's visible computers (in `state` at `cutoff`, of `account_id`, when
        given), by id, each with its account's name; and the cursor to the next page."""
        stmt = _visible_computers(partner_id, state, cutoff, account_id)
        return paginate(self.session, stmt, C.id, limit, cursor, scalars=False)

    def visible_of_account(self, partner_id: str, account_id: str) -> Sequence[Row[MonitoredComputer, str]]:
        """The partner's visible computers of the account, by id, each with the account's name."""
        return self.session.execute(_visible_computers(partner_id, account_id=account_id).order_by(C.id)).all()

    def visible(self, partner_id: str, computer_id: str) -> MonitoredComputer | None:
        found = self.session.execute(_visible_computers(partner_id).where(C.id == computer_id)).one_or_none()
        return None if found is None else found[0]

    def of_partner(self, partner_id: str) -> Sequence[MonitoredComputer]:
        """The partner's live computers, whatever their account."""
        return self.session.scalars(select(C).where(C.partner_id == partner_id, C.removed.is_(False))).all()

    def totals_of_account(self, account_id: str, cutoff: dt.datetime) -> tuple[int, int]:
        """(bytes backed up, computers not backing up) of the account's live computers."""
        total, not_backing_up = self.session.execute(
            select(
                func.coalesce(_byte_sum(self.session.get_bind().dialect.name, C.bytes_backed_up), 0),
                func.coalesce(func.sum(_state_is(states.NOT_BACKING_UP, cutoff).cast(Integer)), 0),
            ).where(C.account_id == account_id, C.removed.is_(False))
        ).one()
        return int(total), int(not_backing_up)

    def flipped_by_time(self, partner_id: str, cutoff: dt.datetime) -> Sequence[MonitoredComputer]:
        """Computers whose stored state time has made wrong: ok or new ones now past the threshold."""
        return self.session.scalars(
            select(C).where(
                C.partner_id == partner_id,
                C.removed.is_(False),
                C.state.in_((states.OK, states.NEW)),
                _state_is(states.NOT_BACKING_UP, cutoff),
            )
        ).all()

    def partners_to_sweep(self) -> Sequence[str]:
        """The partners with live computers stored as ok or new: time can only flip those."""
        return self.session.scalars(
            select(C.partner_id).where(C.removed.is_(False), C.state.in_((states.OK, states.NEW))).distinct()
        ).all()


class Reports(Repository):
    model = Report

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of `ids` stored already."""
        return set(self.session.scalars(select(Report.id).where(Report.id.in_(ids))))

    def insert_many(self, rows: list[dict[str, Any]]) -> None:
        """One statement for them all, on the table: no object each, nor the ORM's bulk machinery."""
        self.session.execute(_REPORTS_INSERT, rows)

    def newest_first(self, computer_id: str, after: tuple[dt.datetime, str] | None, limit: int) -> Sequence[Report]:
        """Up to `limit` of the computer's reports finished before `after` (a time and id), newest
        first (by when the backup finished, ties by id)."""
        stmt = select(Report).where(Report.computer_id == computer_id)
        if after is not None:
            finished_at, report_id = after
            stmt = stmt.where(
                or_(Report.finished_at < finished_at, and_(Report.finished_at == finished_at, Report.id < report_id))
            )
        return self.session.scalars(stmt.order_by(Report.finished_at.desc(), Report.id.desc()).limit(limit)).all()


_REPORTS_INSERT = insert(cast(Table, Report.__table__))


def _state_is(state: str, cutoff: Any) -> ColumnElement[bool]:
    """SQL for `states.state` (same rule, evaluated by the database)."""
    if state == states.OK:
        return C.last_success_at >= cutoff
    if state == states.NOT_BACKING_UP:
        return or_(C.last_success_at < cutoff, and_(C.last_success_at.is_(None), C.created_at < cutoff))
    return and_(C.last_success_at.is_(None), C.created_at >= cutoff)


def _byte_sum(dialect_name: str, column: Any) -> Any:
    """SUM of byte counts: exact on PostgreSQL (numeric); on SQLite `total()`, which cannot overflow
    as an integer SUM past 2**63 would (exact up to 2**53 bytes, 8 PiB)."""
    return func.total(column) if dialect_name == "sqlite" else func.sum(column)


def _visible_accounts(partner_id: Any) -> ColumnElement[bool]:
    return and_(A.partner_id == partner_id, A.administered.is_(True), A.released.is_(False))


def _visible_computers(
    partner_id: str, state: str | None = None, cutoff: dt.datetime | None = None, account_id: str | None = None
) -> Select[MonitoredComputer, str]:
    stmt = (
        select(C, A.name)
        .join(A, A.id == C.account_id)
        .where(C.partner_id == partner_id, C.removed.is_(False), _visible_accounts(partner_id))
    )
    if state:
        stmt = stmt.where(_state_is(state, cutoff))
    if account_id:
        stmt = stmt.where(C.account_id == account_id)
    return stmt


@functools.cache
def _overview(dialect_name: str) -> Select[int, int, Any, Any]:
    """Made once per database kind: partners read the overview often, and building the statement
    cost more than running it."""
    partner_id: BindParameter[str] = bindparam("partner_id")
    cutoff: BindParameter[dt.datetime] = bindparam("cutoff")
    accounts = select(func.count()).select_from(A).where(_visible_accounts(partner_id)).scalar_subquery()
    total = _byte_sum(dialect_name, C.bytes_backed_up)
    return (
        select(
            accounts,
            func.count(C.id),
            func.coalesce(total, 0),
            func.coalesce(func.sum(_state_is(states.NOT_BACKING_UP, cutoff).cast(Integer)), 0),
        )
        .select_from(C)
        .join(A, A.id == C.account_id)
        .where(C.partner_id == partner_id, C.removed.is_(False), _visible_accounts(partner_id))
    )
