import datetime as dt

from identity.domain import lockout

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)


def minutes_ago(*minutes):
    return [NOW - dt.timedelta(minutes=m) for m in minutes]


def test_four_failures_do_not_lock():
    assert lockout.seconds_locked(minutes_ago(1, 2, 3, 4), NOW) == 0


def test_five_failures_within_fifteen_minutes_lock_until_the_fifth_latest_leaves_the_window():
    failures = minutes_ago(1, 2, 3, 4, 10)
    assert lockout.seconds_locked(failures, NOW) == 5 * 60


def test_failures_older_than_the_window_do_not_count():
    assert lockout.seconds_locked(minutes_ago(1, 2, 3, 4, 15), NOW) == 0
    assert lockout.seconds_locked(minutes_ago(1, 2, 3, 4, 16, 17), NOW) == 0


def test_with_more_than_five_the_lock_lasts_until_only_four_remain():
    failures = minutes_ago(1, 2, 3, 4, 5, 14)
    assert lockout.seconds_locked(failures, NOW) == 10 * 60


def test_the_wait_is_at_least_one_second():
    failures = [NOW - lockout.WINDOW + dt.timedelta(milliseconds=100)] + minutes_ago(1, 2, 3, 4)
    assert lockout.seconds_locked(failures, NOW) == 1
