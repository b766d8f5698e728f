"""Accounts' events, agents' reports and a partner's reads, as the service's entrypoints hand them
to monitoring's use cases, for the use-case tests."""

import datetime as dt
import itertools

from portal_common.events import iso

from monitoring.usecases import ingest, queries, replica

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)
HOUR = dt.timedelta(hours=1)
PARTNER = {"partner_id": "partner-1", "employee_id": "employee-1", "role": "owner"}
OTHER_PARTNER = {"partner_id": "partner-2", "employee_id": "employee-2", "role": "owner"}
_reports = itertools.count(1)


def account_event(account_id="account-1", version=1, partner_id="partner-1", administered=True, released=False):
    return {
        "id": account_id,
        "version": version,
        "partner_id": partner_id,
        "name": f"Contoso {account_id}",
        "administered": administered,
        "released": released,
    }


def computer_event(
    computer_id="computer-1", version=1, account_id="account-1", partner_id="partner-1", removed=False, created_at=NOW
):
    return {
        "id": computer_id,
        "version": version,
        "account_id": account_id,
        "partner_id": partner_id,
        "name": f"PC {computer_id}",
        "kind": "workstation",
        "created_at": iso(created_at),
        "removed": removed,
    }


def known_computer(uow, computer_id="computer-1", account_id="account-1", partner_id="partner-1", created_at=NOW):
    """A computer and its account as accounts announce them, both at version 1."""
    replica.track_account(uow, NOW, account_event(account_id, partner_id=partner_id))
    replica.track_computer(
        uow, NOW, computer_event(computer_id, account_id=account_id, partner_id=partner_id, created_at=created_at)
    )


def report(finished_at, status="success", computer_id="computer-1", bytes_backed_up=1_000, report_id=None):
    return {
        "id": report_id or f"report-{next(_reports)}",
        "computer_id": computer_id,
        "started_at": finished_at - HOUR,
        "finished_at": finished_at,
        "status": status,
        "bytes_selected": 2_000,
        "bytes_backed_up": bytes_backed_up,
        "files": 10,
        "error": "disk full" if status == "failed" else None,
        "received_at": finished_at,
    }


def store(uow, *reports, now=NOW):
    [outcomes] = ingest.store_reports(uow, now, [list(reports)])
    return outcomes


def computers(uow, now=NOW, caller=PARTNER, limit=50, cursor=None, **filters):
    """One page of the partner's computers (filtered by `status`, `account_id`), and the next cursor."""
    answer = queries.list_computers(uow, now, caller, {"limit": limit, "cursor": cursor, **filters})
    return answer["items"], answer["next_cursor"]
