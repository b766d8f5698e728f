import datetime as dt

from monitoring.domain import states

NOW = dt.datetime(2026, 11, 26, 12, tzinfo=dt.timezone.utc)
HOURS = dt.timedelta(hours=1)


def test_ok_while_the_last_success_is_within_the_threshold():
    assert states.state(NOW - 71 * HOURS, NOW - 1000 * HOURS, NOW, 72) == "ok"
    assert states.state(NOW - 72 * HOURS, NOW - 1000 * HOURS, NOW, 72) == "ok"


def test_not_backing_up_once_the_last_success_is_older():
    assert states.state(NOW - 72 * HOURS - dt.timedelta(seconds=1), NOW - 1000 * HOURS, NOW, 72) == "not_backing_up"


def test_a_computer_that_never_succeeded_is_new_until_it_has_existed_longer_than_the_threshold():
    assert states.state(None, NOW - 10 * HOURS, NOW, 72) == "new"
    assert states.state(None, NOW - 73 * HOURS, NOW, 72) == "not_backing_up"


def test_the_threshold_is_the_partners():
    last = NOW - 5 * HOURS
    assert states.state(last, NOW - 100 * HOURS, NOW, 4) == "not_backing_up"
    assert states.state(last, NOW - 100 * HOURS, NOW, 6) == "ok"


def test_a_report_replaces_what_is_known_only_when_it_finished_later():
    assert states.newer(NOW, None)
    assert states.newer(NOW, NOW - HOURS)
    assert not states.newer(NOW - HOURS, NOW)
    assert not states.newer(NOW, NOW)
