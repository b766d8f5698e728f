"""What monitoring tells others: a computer's state change, and an account's totals for the
accounts list (versioned, so a late or repeated one changes nothing there)."""

import datetime as dt
from typing import Any

from portal_common.events import ACCOUNT_BACKUP_CHANGED, COMPUTER_BACKUP_FAILED, COMPUTER_STATUS_CHANGED, iso

from monitoring.adapters.unit_of_work import MonitoringUnitOfWork
from monitoring.domain import states


def set_state(uow: MonitoringUnitOfWork, computer: Any, new_state: str, now: dt.datetime) -> bool:
    if computer.state == new_state:
        return False
    previous, computer.state = computer.state, new_state
    computer.state_version += 1
    uow.emit(
        COMPUTER_STATUS_CHANGED,
        computer.id,
        computer.state_version,
        now,
        previous_status=previous,
        **alert_fields(uow, computer),
    )
    return True


def backup_failed(uow: MonitoringUnitOfWork, computer: Any, report: Any, now: dt.datetime) -> None:
    """A failed report, newly stored: notifications may alert on it, once (its id)."""
    uow.emit(
        COMPUTER_BACKUP_FAILED,
        report["id"],
        1,
        now,
        computer_id=computer.id,
        finished_at=iso(report["finished_at"]),
        error=report.get("error"),
        **alert_fields(uow, computer),
    )


def alert_fields(uow: MonitoringUnitOfWork, computer: Any) -> dict[str, Any]:
    """What an alert about the computer tells of it, as monitoring sees it now."""
    account = uow.accounts.get(computer.account_id)
    return {
        "account_id": computer.account_id,
        "partner_id": computer.partner_id,
        "name": computer.name,
        "kind": computer.kind,
        "account_name": account.name if account else "",
        "administered": bool(account and account.administered and not account.released),
        "status": computer.state,
        "last_success_at": iso(computer.last_success_at),
        "last_status": computer.last_status,
    }


def account_changed(uow: MonitoringUnitOfWork, account_id: str, now: dt.datetime) -> None:
    account = uow.accounts.get(account_id, for_update=True)
    if account is None:
        return
    uow.flush()
    cutoff = states.cutoff(now, uow.settings.threshold_of(account.partner_id))
    total, not_backing_up = uow.computers.totals_of_account(account_id, cutoff)
    account.summary_version += 1
    uow.emit(
        ACCOUNT_BACKUP_CHANGED,
        account_id,
        account.summary_version,
        now,
        partner_id=account.partner_id,
        bytes_backed_up=total,
        computers_not_backing_up=not_backing_up,
    )
