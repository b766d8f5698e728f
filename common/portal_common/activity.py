"""The audit log's side in every service: what a change made through the API (or by the system) is
recorded as. A use case calls `record` in the unit of work of the change, so the entry is written in
the same transaction (the outbox) and cannot be lost; the audit service keeps it (API.md 1.1, "Audit
log"). A summary is one line for a person and never holds a secret (no token, password or code)."""

import datetime as dt

from portal_common.events import ACTIVITY_RECORDED
from portal_common.unit_of_work import UnitOfWork

SUMMARY_MAX = 300
NAME_MAX = 200


def record(
    uow: UnitOfWork,
    now: dt.datetime,
    partner_id: str,
    activity_type: str,
    target: tuple[str, str, str | None],
    summary: str,
    actor: str | None = None,
) -> None:
    """Stage an audit entry of `activity_type` about `target` ((kind, id, name or None)). The actor
    is the request's employee, or `actor` where no one is signed in yet (a sign-in, a reset link)."""
    kind, target_id, name = target
    if uow.producer is None:
        raise RuntimeError("only a service's unit of work (it names its producer) records activity")
    uow.emit(
        ACTIVITY_RECORDED[uow.producer],
        target_id,
        1,
        now,
        as_actor=actor,
        partner_id=partner_id,
        type=activity_type,
        target_kind=kind,
        target_name=None if name is None else name[:NAME_MAX],
        summary=summary[:SUMMARY_MAX],
    )
