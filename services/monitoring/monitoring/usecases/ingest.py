"""Agents' backup reports, each stored exactly once."""

import datetime as dt
import logging
from typing import Any

from portal_common import logs

from monitoring.adapters.unit_of_work import MonitoringUnitOfWork
from monitoring.domain import states
from monitoring.usecases.summaries import account_changed, backup_failed, set_state

log = logging.getLogger(__name__)


class UnknownComputer(LookupError):
    """A report of a computer whose `computer_added` has not reached monitoring yet."""


REPORT_FIELDS = (
    "id",
    "computer_id",
    "started_at",
    "finished_at",
    "status",
    "bytes_selected",
    "bytes_backed_up",
    "files",
    "error",
    "received_at",
)


def store_reports(uow: MonitoringUnitOfWork, now: dt.datetime, groups: list[list[dict[str, Any]]]) -> Any:
    """Groups of reports (the messages that arrived together) in one transaction, each report stored
    once. Per group, one outcome per report: True, False (stored before) or the error that keeps it
    out. When the transaction fails, each group is tried alone, and a group that fails alone report
    by report: one report that cannot be stored keeps no other out, and a failure costs a
    transaction per message before it costs one per report."""
    reports = [report for group in groups for report in group]
    try:
        outcomes = _store_together(uow, now, reports)
    except Exception as exc:  # noqa: BLE001 - sorted out below, down to the report
        if len(reports) == 1:
            return [[exc]]
        # One line a message, each naming its own requests (a batch may hold thousands).
        how = "storing each message alone" if len(groups) > 1 else "storing them one by one"
        for number, group in enumerate(groups):
            with logs.context(request_ids=requests_of(group)):
                log.warning(
                    "%d reports of one message failed in a batch of %d: %s",
                    len(group),
                    len(reports),
                    how,
                    exc_info=number == 0,
                )
        if len(groups) > 1:
            return [store_reports(uow, now, [group])[0] for group in groups]
        return [[store_reports(uow, now, [[report]])[0][0] for report in reports]]
    grouped, start = [], 0
    for group in groups:
        grouped.append(outcomes[start : start + len(group)])
        start += len(group)
    return grouped


def requests_of(reports: list[dict[str, Any]]) -> list[str] | None:
    """The requests that brought these reports, for the log lines of the work on them."""
    return sorted({report["request_id"] for report in reports if report.get("request_id")}) or None


def _store_together(uow, now, reports):
    with uow:
        ids = {report["id"] for report in reports}
        known = uow.reports.known_ids(ids)
        # Locked: reports of one computer stored at once must not overwrite each other's latest
        # (and in a fixed order, so two batches do not wait for each other's computers).
        computers = uow.computers.locked(report["computer_id"] for report in reports)
        thresholds: dict[str, Any] = {}
        changed_accounts: dict[str, str | None] = {}  # account -> the request of its last change
        outcomes: list[bool | UnknownComputer] = []
        rows: list[dict[str, Any]] = []
        for report in reports:
            if report["id"] in known:
                outcomes.append(False)
                continue
            computer = computers.get(report["computer_id"])
            if computer is None:  # not here yet (its event is on its way): this report is tried again
                outcomes.append(UnknownComputer(f"report {report['id']}: no computer {report['computer_id']} yet"))
                continue
            known.add(report["id"])
            rows.append({key: report[key] for key in REPORT_FIELDS})
            with uow.for_request(report.get("request_id")):
                if _apply(uow, now, computer, report, thresholds):
                    changed_accounts[computer.account_id] = report.get("request_id")
            outcomes.append(True)
        if rows:
            uow.reports.insert_many(rows)
        for account_id in sorted(changed_accounts):
            with uow.for_request(changed_accounts[account_id]):
                account_changed(uow, account_id, now)
        uow.commit()
        return outcomes


def _apply(uow, now, computer, report, thresholds):
    """Move the computer's latest by the report; whether the account's totals changed."""
    changed = False
    latest = states.newer(report["finished_at"], computer.last_backup_at)
    if latest:
        computer.last_backup_at, computer.last_status = report["finished_at"], report["status"]
    if report["status"] == "success" and states.newer(report["finished_at"], computer.last_success_at):
        changed = computer.bytes_backed_up != report["bytes_backed_up"] or computer.last_success_at is None
        computer.last_success_at, computer.bytes_backed_up = report["finished_at"], report["bytes_backed_up"]
    if computer.partner_id not in thresholds:
        thresholds[computer.partner_id] = uow.settings.threshold_of(computer.partner_id)
    new_state = states.state(computer.last_success_at, computer.created_at, now, thresholds[computer.partner_id])
    changed = set_state(uow, computer, new_state, now) or changed
    if report["status"] == "failed":  # each failure is news, the latest or one told late
        backup_failed(uow, computer, report, now)
    return changed
