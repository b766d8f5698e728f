"""Time passing turns computers `not_backing_up` with no report at all: a periodic sweep finds the
ones whose stored state is out of date and tells accounts."""

import datetime as dt
from typing import Any

from monitoring.adapters.unit_of_work import MonitoringUnitOfWork
from monitoring.domain import states
from monitoring.usecases.summaries import account_changed, set_state


def sweep(uow: MonitoringUnitOfWork, now: dt.datetime) -> Any:
    with uow:
        partners = uow.computers.partners_to_sweep()
    changed = 0
    for partner_id in partners:
        with uow:
            cutoff = states.cutoff(now, uow.settings.threshold_of(partner_id))
            accounts = set()
            for computer in uow.computers.flipped_by_time(partner_id, cutoff):
                set_state(uow, computer, states.NOT_BACKING_UP, now)
                accounts.add(computer.account_id)
            for account_id in sorted(accounts):
                account_changed(uow, account_id, now)
            uow.commit()
            changed += len(accounts)
    return changed
