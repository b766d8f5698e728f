"""Monitoring's copy of accounts and computers, kept from accounts' events (and calls): each
applied only when newer than what is here, so duplicates and late arrivals change nothing."""
import datetime as dt

from monitoring.adapters import repository
from monitoring.adapters.orm import MonitoredAccount, MonitoredComputer
from monitoring.domain import states
from monitoring.usecases.summaries import account_changed


def _time(value):
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def track_account(uow, now, event):
    with uow:
        account = uow.session.get(MonitoredAccount, event["id"])
        if account is not None and event["version"] <= account.version:
            return
        if account is None:
            account = MonitoredAccount(id=event["id"], summary_version=0)
            uow.session.add(account)
        account.partner_id = event["partner_id"]
        account.name = event["name"]
        account.administered = event["administered"]
        account.released = event["released"]
        account.version = event["version"]
        account_changed(uow, account.id, now)
        uow.commit()


def track_computer(uow, now, event):
    with uow:
        computer = uow.session.get(MonitoredComputer, event["id"])
        if computer is not None and event["version"] <= computer.version:
            return
        if computer is None:
            created_at = _time(event["created_at"])
            computer = MonitoredComputer(
                id=event["id"], account_id=event["account_id"], partner_id=event["partner_id"],
                agent_key_hash=event["agent_key_hash"], created_at=created_at, bytes_backed_up=0,
                state=states.state(None, created_at, now, repository.threshold(uow.session, event["partner_id"])),
                state_version=1,
            )
            uow.session.add(computer)
        computer.name = event["name"]
        computer.kind = event["kind"]
        computer.removed = event["removed"]
        computer.version = event["version"]
        account_changed(uow, computer.account_id, now)
        uow.commit()
