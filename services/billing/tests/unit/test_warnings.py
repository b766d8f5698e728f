"""When a partner is warned that something ends."""

import datetime as dt

import pytest

from billing.domain.warnings import warning_due

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.timezone.utc)


def days(n, hours=0):
    return NOW + dt.timedelta(days=n, hours=hours)


@pytest.mark.parametrize(
    "status, auto_renew, expires_at, expected",
    [
        ("active", False, days(31), None),
        ("active", False, days(30), 30),
        ("active", False, days(8), 30),
        ("active", False, days(7), 7),
        ("active", False, days(0, hours=1), 7),
        ("active", False, days(0), None),  # expired: renewals' business
        ("active", True, days(7), None),  # it renews: nothing to warn of
        ("trial", True, days(4), None),
        ("trial", True, days(3), 3),
        ("trial", False, days(1), 3),
        ("available", False, None, None),
        ("expired", False, days(5), None),
    ],
)
def test_the_nearest_mark_reached(status, auto_renew, expires_at, expected):
    assert warning_due(status, auto_renew, expires_at, NOW, None, None) == expected


def test_each_warning_once_per_expiry_and_afresh_when_the_expiry_moves():
    expiry = days(20)
    assert warning_due("active", False, expiry, NOW, 30, expiry) is None
    assert warning_due("active", False, expiry, days(14), 30, expiry) == 7
    assert warning_due("active", False, expiry, days(14), 7, expiry) is None
    assert warning_due("active", False, days(385), days(360), 7, expiry) == 30  # renewed, then auto-renew off
