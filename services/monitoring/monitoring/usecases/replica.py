"""Monitoring's copy of accounts and computers, kept from accounts' events: each
applied only when newer than what is here, so duplicates and late arrivals change nothing."""

import datetime as dt
from typing import Any

from portal_common.db import keep_newest
from portal_common.events import from_iso

from monitoring.adapters.orm import MonitoredAccount, MonitoredComputer
from monitoring.adapters.unit_of_work import MonitoringUnitOfWork
from monitoring.domain import states
from monitoring.usecases.summaries import account_changed


def track_account(uow: MonitoringUnitOfWork, now: dt.datetime, event: dict[str, Any]) -> None:
    def apply(account: Any) -> None:
        account.partner_id = event["partner_id"]
        account.name = event["name"]
        account.administered = event["administered"]
        account.released = event["released"]
        account_changed(uow, account.id, now)

    keep_newest(
        uow,
        MonitoredAccount,
        event["id"],
        event["version"],
        lambda: MonitoredAccount(
            id=event["id"],
            partner_id=event["partner_id"],
            name=event["name"],
            administered=event["administered"],
            released=event["released"],
            version=0,
            summary_version=0,
        ),
        apply,
    )


def track_computer(uow: MonitoringUnitOfWork, now: dt.datetime, event: dict[str, Any]) -> None:
    def new_computer() -> Any:
        created_at = from_iso(event["created_at"])
        threshold = uow.settings.threshold_of(event["partner_id"])
        return MonitoredComputer(
            id=event["id"],
            account_id=event["account_id"],
            partner_id=event["partner_id"],
            name=event["name"],
            kind=event["kind"],
            created_at=created_at,
            removed=False,
            version=0,
            bytes_backed_up=0,
            state=states.state(None, created_at, now, threshold),
            state_version=1,
        )

    def apply(computer: Any) -> None:
        computer.name = event["name"]
        computer.kind = event["kind"]
        computer.removed = event["removed"]
        account_changed(uow, computer.account_id, now)

    keep_newest(uow, MonitoredComputer, event["id"], event["version"], new_computer, apply)
