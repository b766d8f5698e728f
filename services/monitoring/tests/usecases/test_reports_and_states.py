"""Monitoring's own rules, in milliseconds: each report stored once, a report that comes before its
computer kept out to be tried again, a late report moving nothing back, failures told, and a computer
turning "not backing up" as time passes without a successful backup."""

import datetime as dt

from portal_common.events import iso

from monitoring.usecases import ingest, queries, replica, sweep

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)
HOUR = dt.timedelta(hours=1)
PARTNER = {"partner_id": "partner-1", "employee_id": "employee-1", "role": "owner"}
_reports = iter(range(1, 1_000_000))


def known_computer(uow, computer_id="computer-1", account_id="account-1"):
    replica.track_account(
        uow,
        NOW,
        {
            "id": account_id,
            "version": 1,
            "partner_id": "partner-1",
            "name": "Contoso",
            "administered": True,
            "released": False,
        },
    )
    replica.track_computer(
        uow,
        NOW,
        {
            "id": computer_id,
            "version": 1,
            "account_id": account_id,
            "partner_id": "partner-1",
            "name": "PC-1",
            "kind": "workstation",
            "created_at": iso(NOW),
            "removed": False,
        },
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


def computers(uow, now=NOW):
    return queries.list_computers(uow, now, PARTNER, {"limit": 50, "cursor": None})["items"]


def test_a_report_is_stored_once_however_often_it_comes(uow):
    known_computer(uow)
    once = report(NOW, bytes_backed_up=5_000)

    assert store(uow, once) == [True]
    assert store(uow, once) == [False]
    assert store(uow, once, report(NOW + HOUR, bytes_backed_up=6_000)) == [False, True]

    overview = queries.overview(uow, NOW + HOUR, PARTNER)
    assert (overview["computers"], overview["bytes_backed_up"], overview["computers_not_backing_up"]) == (1, 6_000, 0)


def test_a_report_before_its_computer_is_kept_out_to_be_tried_again(uow):
    early = report(NOW)

    [outcome] = store(uow, early)
    assert isinstance(outcome, ingest.UnknownComputer)
    known_computer(uow)
    assert store(uow, early) == [True]


def test_a_late_report_moves_nothing_back(uow):
    known_computer(uow)
    store(uow, report(NOW, bytes_backed_up=7_000))

    store(uow, report(NOW - 5 * HOUR, bytes_backed_up=1))

    assert queries.overview(uow, NOW, PARTNER)["bytes_backed_up"] == 7_000


def test_each_failure_is_told_and_a_computer_without_a_recent_success_is_not_backing_up(uow):
    known_computer(uow)
    store(uow, report(NOW, bytes_backed_up=3_000))
    threshold = queries.overview(uow, NOW, PARTNER)["not_backing_up_after_hours"]

    store(uow, report(NOW + HOUR, status="failed"))
    later = NOW + (threshold + 1) * HOUR
    assert sweep.sweep(uow, later) == 1
    assert sweep.sweep(uow, later) == 0  # nothing more to flip

    assert [event["computer_id"] for event in uow.events("computer_backup_failed")] == ["computer-1"]
    assert queries.overview(uow, later, PARTNER)["computers_not_backing_up"] == 1
    store(uow, report(later, bytes_backed_up=4_000), now=later)
    assert queries.overview(uow, later, PARTNER)["computers_not_backing_up"] == 0
