"""A partner's threshold for "not backing up": its computers are judged by it at once when it
changes (not at the next sweep), accounts hear of their totals, and the change is in the audit log."""

from monitoring.usecases import queries, settings, sweep
from services.monitoring.tests.usecases.fleet import HOUR, NOW, OTHER_PARTNER, PARTNER, known_computer, report, store


def set_threshold(uow, hours, now, caller=PARTNER):
    return settings.update_settings(uow, now, caller, {"not_backing_up_after_hours": hours})


def test_a_lower_threshold_turns_computers_not_backing_up_at_once_and_accounts_hear_of_it(uow):
    known_computer(uow)
    store(uow, report(NOW, bytes_backed_up=3_000))
    later = NOW + 10 * HOUR

    assert set_threshold(uow, 8, later) == {"not_backing_up_after_hours": 8}

    changed = uow.events("computer_status_changed")[-1]
    assert (changed["id"], changed["previous_status"], changed["status"]) == ("computer-1", "ok", "not_backing_up")
    summary = uow.events("account_backup_changed")[-1]
    assert (summary["id"], summary["bytes_backed_up"], summary["computers_not_backing_up"]) == ("account-1", 3_000, 1)
    assert sweep.sweep(uow, later) == 0  # judged already: nothing left for time to flip
    assert settings.get_settings(uow, PARTNER) == {"not_backing_up_after_hours": 8}
    assert queries.overview(uow, later, PARTNER)["computers_not_backing_up"] == 1
    assert uow.activity() == [
        ("monitoring.settings_changed", "Computers count as not backing up after 8 hours (was 72)")
    ]


def test_a_higher_threshold_turns_them_ok_again_and_the_same_one_again_changes_nothing(uow):
    known_computer(uow)
    store(uow, report(NOW))
    later = NOW + 10 * HOUR
    set_threshold(uow, 8, later)

    set_threshold(uow, 12, later)
    events, commits = len(uow.events()), uow.commits
    set_threshold(uow, 12, later)

    assert [event["status"] for event in uow.events("computer_status_changed")] == ["ok", "not_backing_up", "ok"]
    assert uow.events("account_backup_changed")[-1]["computers_not_backing_up"] == 0
    assert len(uow.events()) == events and uow.commits == commits + 1  # committed, with nothing to tell
    assert [summary for _, summary in uow.activity()] == [
        "Computers count as not backing up after 8 hours (was 72)",
        "Computers count as not backing up after 12 hours (was 8)",
    ]


def test_a_partners_threshold_judges_only_its_own_computers(uow):
    known_computer(uow)
    known_computer(uow, "computer-2", "account-2", partner_id="partner-2")
    store(uow, report(NOW), report(NOW, computer_id="computer-2"))
    later = NOW + 10 * HOUR
    told = len(uow.events("computer_status_changed"))

    set_threshold(uow, 8, later)

    assert [event["id"] for event in uow.events("computer_status_changed")[told:]] == ["computer-1"]
    assert settings.get_settings(uow, OTHER_PARTNER) == {"not_backing_up_after_hours": 72}
    assert queries.overview(uow, later, OTHER_PARTNER)["computers_not_backing_up"] == 0
