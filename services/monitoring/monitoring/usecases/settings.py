"""The partner's threshold for "not backing up"; changing it re-judges its computers at once."""

import datetime as dt
from typing import Any

from portal_common.activity import record
from portal_common.caller import Caller

from monitoring.adapters.orm import PartnerSettings
from monitoring.adapters.unit_of_work import MonitoringUnitOfWork
from monitoring.domain import states
from monitoring.usecases.summaries import account_changed, set_state


def get_settings(uow: MonitoringUnitOfWork, caller: Caller) -> dict[str, Any]:
    with uow:
        return {"not_backing_up_after_hours": uow.settings.threshold_of(caller["partner_id"])}


def update_settings(
    uow: MonitoringUnitOfWork, now: dt.datetime, caller: Caller, data: dict[str, Any]
) -> dict[str, Any]:
    hours = data["not_backing_up_after_hours"]
    with uow:
        before = uow.settings.threshold_of(caller["partner_id"])
        settings = uow.settings.get(caller["partner_id"])
        if settings is None:
            settings = PartnerSettings(partner_id=caller["partner_id"])
            uow.settings.add(settings)
        if before != hours:
            record(
                uow,
                now,
                caller["partner_id"],
                "monitoring.settings_changed",
                ("monitoring_settings", caller["partner_id"], None),
                f"Computers count as not backing up after {hours} hours (was {before})",
            )
        settings.not_backing_up_after_hours = hours
        uow.flush()
        accounts = set()
        for computer in uow.computers.of_partner(caller["partner_id"]):
            if set_state(uow, computer, states.state(computer.last_success_at, computer.created_at, now, hours), now):
                accounts.add(computer.account_id)
        for account_id in sorted(accounts):
            account_changed(uow, account_id, now)
        uow.commit()
        return {"not_backing_up_after_hours": hours}
