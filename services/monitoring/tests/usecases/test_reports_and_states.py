"""Monitoring's own rules, in milliseconds: each report stored once, a report that comes before its
computer kept out to be tried again, a late report moving nothing back, failures told, and a computer
turning "not backing up" as time passes without a successful backup."""

import logging

from portal_common import logs

from monitoring.usecases import ingest, queries, sweep
from services.monitoring.tests.usecases.fleet import HOUR, NOW, PARTNER, known_computer, report, store


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


def test_the_events_of_reports_stored_together_carry_each_reports_own_request(uow):
    known_computer(uow, "computer-1", account_id="account-1")
    known_computer(uow, "computer-2", account_id="account-2")
    failed = {**report(NOW, status="failed", computer_id="computer-1"), "request_id": "request-of-1"}
    succeeded = {**report(NOW, computer_id="computer-2", bytes_backed_up=5_000), "request_id": "request-of-2"}
    older_gateway = report(NOW, status="failed", computer_id="computer-2")  # a message without the field
    summaries_before = len(uow.events("account_backup_changed"))  # the computers' own

    assert store(uow, failed, succeeded, older_gateway) == [True, True, True]

    assert [(e["computer_id"], e["request_id"]) for e in uow.events("computer_backup_failed")] == [
        ("computer-1", "request-of-1"),
        ("computer-2", None),
    ]
    # account-1's totals did not move (a failure of a new computer); account-2's did, by request-of-2.
    assert [(e["id"], e["request_id"]) for e in uow.events("account_backup_changed")[summaries_before:]] == [
        ("account-2", "request-of-2")
    ]
    assert uow.request_id is None  # the unit of work's own, as it was


def test_when_a_batch_fails_together_each_messages_line_names_its_own_requests(uow, monkeypatch):
    known_computer(uow)
    first = [{**report(NOW), "request_id": "request-a"}, {**report(NOW + HOUR), "request_id": "request-b"}]
    second = [{**report(NOW + 2 * HOUR), "request_id": "request-c"}]
    store_together = ingest._store_together

    def fails_with_company(uow, now, reports):
        if len(reports) > 2:
            raise RuntimeError("the batch is too much for the database")
        return store_together(uow, now, reports)

    monkeypatch.setattr(ingest, "_store_together", fails_with_company)
    records = []
    handler = logging.Handler()
    handler.addFilter(logs.ContextFilter("monitoring"))
    handler.emit = records.append
    ingest.log.addHandler(handler)
    try:
        outcomes = ingest.store_reports(uow, NOW, [first, second])
    finally:
        ingest.log.removeHandler(handler)

    assert outcomes == [[True, True], [True]]
    assert [(record.getMessage(), getattr(record, "request_ids", None)) for record in records] == [
        ("2 reports of one message failed in a batch of 3: storing each message alone", ["request-a", "request-b"]),
        ("1 reports of one message failed in a batch of 3: storing each message alone", ["request-c"]),
    ]
    assert not hasattr(logs._context, "request_ids")  # nothing left on the lines written after
