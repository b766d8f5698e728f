"""Monitoring's queries. A partner sees the live computers of the live accounts it administers;
each state is computed from the partner's threshold at the time of the read."""

import functools

from sqlalchemy import Integer, and_, bindparam, func, or_, select

from monitoring.adapters.orm import MonitoredAccount, MonitoredComputer, PartnerSettings, Report
from monitoring.domain import states
from monitoring.domain.states import DEFAULT_THRESHOLD_HOURS

C, A = MonitoredComputer, MonitoredAccount


def threshold(session, partner_id):
    """The partner's hours, as stored (or flushed) in this transaction: read on every view, by a
    statement made once (an ORM `get` cost more than the overview's own query)."""
    hours = session.execute(_THRESHOLD, {"partner_id": partner_id}).scalar()
    return DEFAULT_THRESHOLD_HOURS if hours is None else hours


_THRESHOLD = select(PartnerSettings.__table__.c.not_backing_up_after_hours).where(
    PartnerSettings.__table__.c.partner_id == bindparam("partner_id")
)


def state_is(state, cutoff):
    """SQL for `states.state` (same rule, evaluated by the database)."""
    if state == states.OK:
        return C.last_success_at >= cutoff
    if state == states.NOT_BACKING_UP:
        return or_(C.last_success_at < cutoff, and_(C.last_success_at.is_(None), C.created_at < cutoff))
    return and_(C.last_success_at.is_(None), C.created_at >= cutoff)


def byte_sum(session, column):
    return _byte_sum(session.bind.dialect.name, column)


def _byte_sum(dialect_name, column):
    """SUM of byte counts: exact on PostgreSQL (numeric); on SQLite `total()`, which cannot overflow
    as an integer SUM past 2**63 would (exact up to 2**53 bytes, 8 PiB)."""
    return func.total(column) if dialect_name == "sqlite" else func.sum(column)


def visible_accounts(partner_id):
    return and_(A.partner_id == partner_id, A.administered.is_(True), A.released.is_(False))


def visible_computers(partner_id, state=None, cutoff=None, account_id=None):
    stmt = (
        select(C, A.name)
        .join(A, A.id == C.account_id)
        .where(C.partner_id == partner_id, C.removed.is_(False), visible_accounts(partner_id))
    )
    if state:
        stmt = stmt.where(state_is(state, cutoff))
    if account_id:
        stmt = stmt.where(C.account_id == account_id)
    return stmt


def overview(session, partner_id, cutoff):
    """(accounts, computers, bytes backed up, computers not backing up) of the partner's visible
    accounts, in one statement."""
    accounts, computers, bytes_backed_up, not_backing_up = session.execute(
        _overview(session.bind.dialect.name), {"partner_id": partner_id, "cutoff": cutoff}
    ).one()
    return accounts, computers, int(bytes_backed_up), int(not_backing_up)


@functools.cache
def _overview(dialect_name):
    """Made once per database kind: partners read the overview often, and building the statement
    cost more than running it."""
    partner_id, cutoff = bindparam("partner_id"), bindparam("cutoff")
    accounts = select(func.count()).select_from(A).where(visible_accounts(partner_id)).scalar_subquery()
    total = _byte_sum(dialect_name, C.bytes_backed_up)
    return (
        select(
            accounts,
            func.count(C.id),
            func.coalesce(total, 0),
            func.coalesce(func.sum(state_is(states.NOT_BACKING_UP, cutoff).cast(Integer)), 0),
        )
        .select_from(C)
        .join(A, A.id == C.account_id)
        .where(C.partner_id == partner_id, C.removed.is_(False), visible_accounts(partner_id))
    )


def account_totals(session, account_id, cutoff):
    total, not_backing_up = session.execute(
        select(
            func.coalesce(byte_sum(session, C.bytes_backed_up), 0),
            func.coalesce(func.sum(state_is(states.NOT_BACKING_UP, cutoff).cast(Integer)), 0),
        ).where(C.account_id == account_id, C.removed.is_(False))
    ).one()
    return int(total), int(not_backing_up)


def reports_of(computer_id):
    return select(Report).where(Report.computer_id == computer_id)


def flipped_by_time(session, partner_id, cutoff):
    """Computers whose stored state time has made wrong: ok or new ones now past the threshold."""
    return session.scalars(
        select(C).where(
            C.partner_id == partner_id,
            C.removed.is_(False),
            C.state.in_((states.OK, states.NEW)),
            state_is(states.NOT_BACKING_UP, cutoff),
        )
    ).all()


def partners_to_sweep(session):
    return session.scalars(
        select(C.partner_id).where(C.removed.is_(False), C.state.in_((states.OK, states.NEW))).distinct()
    ).all()


def computers_of_partner(session, partner_id):
    return session.scalars(select(C).where(C.partner_id == partner_id, C.removed.is_(False))).all()
