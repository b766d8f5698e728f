"""What a partner reads: only the live computers of the live accounts it administers, in the states
its threshold gives them at the time of the read, a page at a time; a computer's reports newest first."""

import base64
import json

import pytest

from portal_common.errors import NotFound, ValidationFailed

from monitoring.usecases import queries, replica
from services.monitoring.tests.usecases.fleet import (
    HOUR,
    NOW,
    OTHER_PARTNER,
    PARTNER,
    account_event,
    computer_event,
    computers,
    known_computer,
    report,
    store,
)


def test_a_partner_sees_only_the_live_computers_of_the_live_accounts_it_administers(uow):
    known_computer(uow, "computer-1", "account-1")
    known_computer(uow, "computer-2", "account-1")
    replica.track_computer(uow, NOW, computer_event("computer-2", 2, removed=True))
    replica.track_account(uow, NOW, account_event("account-2", administered=False))
    replica.track_computer(uow, NOW, computer_event("computer-3", account_id="account-2"))
    known_computer(uow, "computer-4", "account-3")
    replica.track_account(uow, NOW, account_event("account-3", 2, released=True))
    known_computer(uow, "computer-5", "account-5", partner_id="partner-2")
    store(
        uow,
        *[report(NOW, computer_id=f"computer-{n}", bytes_backed_up=n * 1_000) for n in range(1, 6)],
    )

    overview = queries.overview(uow, NOW, PARTNER)
    assert (overview["accounts"], overview["computers"], overview["bytes_backed_up"]) == (1, 1, 1_000)
    assert [computer["id"] for computer in computers(uow)[0]] == ["computer-1"]
    assert queries.account_backup_status(uow, NOW, PARTNER, "account-2") == {"bytes_backed_up": 0, "computers": []}
    for caller, computer_id in ((PARTNER, "computer-2"), (PARTNER, "computer-3"), (OTHER_PARTNER, "computer-1")):
        with pytest.raises(NotFound):
            queries.reports(uow, caller, computer_id, {"limit": 10, "cursor": None})


def test_computers_are_judged_at_the_read_and_listed_by_id_a_page_at_a_time(uow):
    known_computer(uow, "computer-1", "account-1")
    known_computer(uow, "computer-2", "account-2")
    known_computer(uow, "computer-3", "account-1")
    store(uow, report(NOW, computer_id="computer-1"), report(NOW + 70 * HOUR, computer_id="computer-2"))
    later = NOW + 80 * HOUR  # past the default 72 hours for computer-1 and computer-3, not computer-2

    first, cursor = computers(uow, later, limit=2)
    rest, last = computers(uow, later, limit=2, cursor=cursor)

    assert [(computer["id"], computer["status"]) for computer in first + rest] == [
        ("computer-1", "not_backing_up"),
        ("computer-2", "ok"),
        ("computer-3", "not_backing_up"),
    ]
    assert last is None
    not_backing_up, _ = computers(uow, later, status="not_backing_up")
    assert [computer["id"] for computer in not_backing_up] == ["computer-1", "computer-3"]
    of_account, _ = computers(uow, later, status="not_backing_up", account_id="account-1")
    assert [computer["id"] for computer in of_account] == ["computer-1", "computer-3"]
    new, _ = computers(uow, NOW + HOUR, status="new")
    assert [computer["id"] for computer in new] == ["computer-3"]
    assert queries.overview(uow, later, PARTNER)["computers_not_backing_up"] == 2


def test_an_accounts_backup_status_adds_up_its_computers(uow):
    known_computer(uow, "computer-2", "account-1")
    known_computer(uow, "computer-1", "account-1")
    known_computer(uow, "computer-3", "account-2")
    store(
        uow,
        report(NOW, computer_id="computer-1", bytes_backed_up=1_500),
        report(NOW, computer_id="computer-2", bytes_backed_up=2_500),
        report(NOW, computer_id="computer-3", bytes_backed_up=9_000),
    )

    status = queries.account_backup_status(uow, NOW, PARTNER, "account-1")

    assert status["bytes_backed_up"] == 4_000
    assert [(computer["id"], computer["status"]) for computer in status["computers"]] == [
        ("computer-1", "ok"),
        ("computer-2", "ok"),
    ]


def test_a_computers_reports_come_newest_first_a_page_at_a_time(uow):
    known_computer(uow)
    store(
        uow,
        report(NOW - 2 * HOUR, report_id="report-old"),
        report(NOW, report_id="report-a"),
        report(NOW, report_id="report-b"),  # finished at the same time: the greater id first
        report(NOW - HOUR, report_id="report-middle"),
    )

    seen, cursor = [], None
    while True:  # a page of one: every cursor is crossed, the one between the two of the same time too
        page = queries.reports(uow, PARTNER, "computer-1", {"limit": 1, "cursor": cursor})
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == ["report-b", "report-a", "report-middle", "report-old"]
    assert queries.reports(uow, PARTNER, "computer-1", {"limit": 10, "cursor": None})["next_cursor"] is None
    naive_time = base64.urlsafe_b64encode(json.dumps(["2026-12-01T09:00:00", "report-a"]).encode()).decode()
    for cursor in ("not-a-cursor", naive_time):  # a cursor the API never gave is a 400, never a 500
        with pytest.raises(ValidationFailed):
            queries.reports(uow, PARTNER, "computer-1", {"limit": 1, "cursor": cursor})
