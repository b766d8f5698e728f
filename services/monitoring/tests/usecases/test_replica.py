"""Monitoring's copy of accounts and computers, kept from accounts' events: whatever order they come
in, and however often, it ends as the newest says; each change of an account's totals is told once,
at a version of its own."""

from monitoring.usecases import queries, replica, sweep
from services.monitoring.tests.usecases.fleet import (
    HOUR,
    NOW,
    PARTNER,
    account_event,
    computer_event,
    computers,
    known_computer,
)


def test_a_computer_removed_before_its_addition_arrives_stays_removed(uow):
    replica.track_account(uow, NOW, account_event())
    replica.track_computer(uow, NOW, computer_event(version=2, removed=True))
    replica.track_computer(uow, NOW, computer_event(version=1))

    assert queries.overview(uow, NOW, PARTNER)["computers"] == 0
    assert computers(uow)[0] == []


def test_an_account_released_before_its_creation_arrives_stays_released(uow):
    replica.track_account(uow, NOW, account_event(version=2, released=True))
    replica.track_account(uow, NOW, account_event(version=1))
    replica.track_computer(uow, NOW, computer_event())

    overview = queries.overview(uow, NOW, PARTNER)
    assert (overview["accounts"], overview["computers"]) == (0, 0)


def test_an_event_that_comes_again_changes_nothing_and_tells_nothing(uow):
    known_computer(uow)
    told = uow.events("account_backup_changed")

    replica.track_account(uow, NOW, account_event())
    replica.track_computer(uow, NOW, computer_event())

    assert uow.events("account_backup_changed") == told
    assert [summary["version"] for summary in told] == [1, 2]  # the account's, then its computer's


def test_a_computer_arrives_judged_by_its_age_against_the_partners_threshold(uow):
    replica.track_account(uow, NOW, account_event())
    replica.track_computer(uow, NOW, computer_event("computer-old", created_at=NOW - 100 * HOUR))
    replica.track_computer(uow, NOW, computer_event("computer-young", created_at=NOW - HOUR))

    assert sweep.sweep(uow, NOW) == 0  # stored not_backing_up already: nothing for time to flip
    assert [(computer["id"], computer["status"]) for computer in computers(uow)[0]] == [
        ("computer-old", "not_backing_up"),
        ("computer-young", "new"),
    ]
    assert uow.events("account_backup_changed")[-1]["computers_not_backing_up"] == 1
