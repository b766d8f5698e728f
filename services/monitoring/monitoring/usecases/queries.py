"""What a partner looks at: the overview, computer lists, an account's backups, a computer's history."""

import datetime as dt
from typing import Any

from portal_common.caller import Caller
from portal_common.errors import NotFound
from portal_common.pagination import decode_time_cursor, encode_time_cursor

from monitoring.adapters.unit_of_work import MonitoringUnitOfWork
from monitoring.domain import states
from monitoring.usecases import views


def overview(uow: MonitoringUnitOfWork, now: dt.datetime, caller: Caller) -> dict[str, Any]:
    with uow:
        threshold = uow.settings.threshold_of(caller["partner_id"])
        accounts, computers, total, not_backing_up = uow.accounts.overview_of_partner(
            caller["partner_id"], states.cutoff(now, threshold)
        )
        return {
            "accounts": accounts,
            "computers": computers,
            "bytes_backed_up": total,
            "computers_not_backing_up": not_backing_up,
            "not_backing_up_after_hours": threshold,
        }


def list_computers(
    uow: MonitoringUnitOfWork, now: dt.datetime, caller: Caller, query: dict[str, Any]
) -> dict[str, Any]:
    with uow:
        threshold = uow.settings.threshold_of(caller["partner_id"])
        rows, next_cursor = uow.computers.visible_page(
            caller["partner_id"],
            query.get("status"),
            states.cutoff(now, threshold),
            query.get("account_id"),
            query["limit"],
            query["cursor"],
        )
        return {"items": [views.computer(row, name, now, threshold) for row, name in rows], "next_cursor": next_cursor}


def account_backup_status(
    uow: MonitoringUnitOfWork, now: dt.datetime, caller: Caller, account_id: str
) -> dict[str, Any]:
    with uow:
        threshold = uow.settings.threshold_of(caller["partner_id"])
        rows = uow.computers.visible_of_account(caller["partner_id"], account_id)
        items = [views.computer(row, name, now, threshold) for row, name in rows]
        return {"bytes_backed_up": sum(item["bytes_backed_up"] for item in items), "computers": items}


def reports(uow: MonitoringUnitOfWork, caller: Caller, computer_id: str, page: dict[str, Any]) -> dict[str, Any]:
    """Newest first (by when the backup finished), keyset-paged on (finished_at, id)."""
    with uow:
        computer = uow.computers.visible(caller["partner_id"], computer_id)
        if computer is None:
            raise NotFound("No such computer.")
        after = decode_time_cursor(page["cursor"]) if page["cursor"] else None
        rows = uow.reports.newest_first(computer.id, after, page["limit"] + 1)
        shown = rows[: page["limit"]]
        last = shown[-1] if len(rows) > page["limit"] else None
        next_cursor = last and encode_time_cursor(last.finished_at, last.id)
        return {"items": [views.report(row) for row in shown], "next_cursor": next_cursor}
