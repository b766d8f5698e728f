"""The partner's threshold for "not backing up"; changing it re-judges its computers at once."""

import datetime as dt
from typing import Any

from portal_common.activity import record
from portal_common.caller import Caller
from portal_common.unit_of_work import UnitOfWork

from monitoring.adapters import repository
from monitoring.adapters.orm import PartnerSettings
from monitoring.domain import states
from monitoring.usecases.summaries import account_changed, set_state


def get_settings(uow: UnitOfWork, caller: Caller) -> dict[str, Any]:
    with uow:
        return {"not_backing_up_after_hours": repository.threshold(uow.session, caller["partner_id"])}


def update_settings(uow: UnitOfWork, now: dt.datetime, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    hours = data["not_backing_up_after_hours"]
    with uow:
        before = repository.threshold(uow.session, caller["partner_id"])
        settings = uow.session.get(PartnerSettings, caller["partner_id"])
        if settings is None:
            settings = PartnerSettings(partner_id=caller["partner_id"])
            uow.session.add(settings)
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
        uow.session.flush()
        accounts = set()
        for computer in repository.computers_of_partner(uow.session, caller["partner_id"]):
            if set_state(uow, computer, states.state(computer.last_success_at, computer.created_at, now, hours), now):
                accounts.add(computer.account_id)
        for account_id in sorted(accounts):
            account_changed(uow, account_id, now)
        uow.commit()
        return {"not_backing_up_after_hours": hours}
