"""Monitoring's copy of accounts and computers, kept from accounts' events: each
applied only when newer than what is here, so duplicates and late arrivals change nothing."""
import datetime as dt

from portal_common.db import create_once

from monitoring.adapters import repository
from monitoring.adapters.orm import MonitoredAccount, MonitoredComputer
from monitoring.domain import states
from monitoring.usecases.summaries import account_changed


def _time(value):
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def track_account(uow, now, event):
    with uow:
        known = uow.session.get(MonitoredAccount, event["id"]) is not None
    if not known:
        create_once(uow, lambda: MonitoredAccount(
            id=event["id"], partner_id=event["partner_id"], name=event["name"], administered=event["administered"],
            released=event["released"], version=0, summary_version=0))
    with uow:
        account = uow.session.get(MonitoredAccount, event["id"], with_for_update=True)
        if event["version"] <= account.version:
            return
        account.partner_id = event["partner_id"]
        account.name = event["name"]
        account.administered = event["administered"]
        account.released = event["released"]
        account.version = event["version"]
        account_changed(uow, account.id, now)
        uow.commit()


def track_computer(uow, now, event):
    with uow:
        known = uow.session.get(MonitoredComputer, event["id"]) is not None
        threshold = repository.threshold(uow.session, event["partner_id"])
    if not known:
        created_at = _time(event["created_at"])
        create_once(uow, lambda: MonitoredComputer(
            id=event["id"], account_id=event["account_id"], partner_id=event["partner_id"], name=event["name"],
            kind=event["kind"], created_at=created_at, removed=False,
            version=0, bytes_backed_up=0, state=states.state(None, created_at, now, threshold), state_version=1))
    with uow:
        computer = uow.session.get(MonitoredComputer, event["id"], with_for_update=True)
        if event["version"] <= computer.version:
            return
        computer.name = event["name"]
        computer.kind = event["kind"]
        computer.removed = event["removed"]
        computer.version = event["version"]
        account_changed(uow, computer.account_id, now)
        uow.commit()
