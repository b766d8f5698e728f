"""What a partner looks at: the overview, computer lists, an account's backups, a computer's history."""

import base64
import binascii
import datetime as dt
import json
from typing import Any

from sqlalchemy import and_, or_

from portal_common.caller import Caller
from portal_common.errors import NotFound, ValidationFailed
from portal_common.pagination import paginate
from portal_common.unit_of_work import UnitOfWork

from monitoring.adapters import repository
from monitoring.adapters.orm import MonitoredComputer, Report
from monitoring.domain import states
from monitoring.usecases import views


def overview(uow: UnitOfWork, now: dt.datetime, caller: Caller) -> dict[str, Any]:
    with uow:
        threshold = repository.threshold(uow.session, caller["partner_id"])
        accounts, computers, total, not_backing_up = repository.overview(
            uow.session, caller["partner_id"], states.cutoff(now, threshold)
        )
        return {
            "accounts": accounts,
            "computers": computers,
            "bytes_backed_up": total,
            "computers_not_backing_up": not_backing_up,
            "not_backing_up_after_hours": threshold,
        }


def list_computers(uow: UnitOfWork, now: dt.datetime, caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    with uow:
        threshold = repository.threshold(uow.session, caller["partner_id"])
        stmt = repository.visible_computers(
            caller["partner_id"], query.get("status"), states.cutoff(now, threshold), query.get("account_id")
        )
        rows, next_cursor = paginate(
            uow.session, stmt, MonitoredComputer.id, query["limit"], query["cursor"], scalars=False
        )
        return {"items": [views.computer(row, name, now, threshold) for row, name in rows], "next_cursor": next_cursor}


def account_backup_status(uow: UnitOfWork, now: dt.datetime, caller: Caller, account_id: str) -> dict[str, Any]:
    with uow:
        threshold = repository.threshold(uow.session, caller["partner_id"])
        rows = uow.session.execute(
            repository.visible_computers(caller["partner_id"], account_id=account_id).order_by(MonitoredComputer.id)
        ).all()
        items = [views.computer(row, name, now, threshold) for row, name in rows]
        return {"bytes_backed_up": sum(item["bytes_backed_up"] for item in items), "computers": items}


def _visible_computer(uow, caller, computer_id):
    found = uow.session.execute(
        repository.visible_computers(caller["partner_id"]).where(MonitoredComputer.id == computer_id)
    ).one_or_none()
    if found is None:
        raise NotFound("No such computer.")
    return found[0]


def reports(uow: UnitOfWork, caller: Caller, computer_id: str, page: dict[str, Any]) -> dict[str, Any]:
    """Newest first (by when the backup finished), keyset-paged on (finished_at, id)."""
    with uow:
        computer = _visible_computer(uow, caller, computer_id)
        stmt = repository.reports_of(computer.id)
        if page["cursor"]:
            finished_at, report_id = _decode(page["cursor"])
            stmt = stmt.where(
                or_(Report.finished_at < finished_at, and_(Report.finished_at == finished_at, Report.id < report_id))
            )
        rows = uow.session.scalars(
            stmt.order_by(Report.finished_at.desc(), Report.id.desc()).limit(page["limit"] + 1)
        ).all()
        next_cursor = _encode(rows[page["limit"] - 1]) if len(rows) > page["limit"] else None
        return {"items": [views.report(row) for row in rows[: page["limit"]]], "next_cursor": next_cursor}


def _encode(row):
    text = json.dumps([row.finished_at.isoformat(), row.id])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor):
    try:
        finished_at, report_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return dt.datetime.fromisoformat(finished_at), str(report_id)
    except (binascii.Error, ValueError, TypeError):
        raise ValidationFailed("The cursor is not one this API gave.", {"cursor": ["Invalid cursor."]}) from None
