import datetime as dt

import pytest

from billing.domain.money import divide_half_up, term_price
from billing.domain.terms import add_years, days_left, whole_days

UTC = dt.timezone.utc


@pytest.mark.parametrize(
    "numerator, denominator, expected",
    [
        (0, 7, 0),
        (7, 7, 1),
        (3, 2, 2),
        (5, 2, 3),
        (1, 2, 1),
        (1, 3, 0),
        (2, 3, 1),
        (149, 100, 1),
        (150, 100, 2),
    ],
)
def test_division_rounds_half_up(numerator, denominator, expected):
    assert divide_half_up(numerator, denominator) == expected


def test_division_refuses_negative_and_zero():
    with pytest.raises(ValueError):
        divide_half_up(-1, 2)
    with pytest.raises(ValueError):
        divide_half_up(1, 0)


@pytest.mark.parametrize(
    "annual, years, discount, expected",
    [
        (7199, 1, 0, 7199),
        (28599, 2, 10, 51478),  # 28599 × 2 × 0.9 = 51478.2
        (28599, 3, 15, 72927),  # 72927.45 → 72927
        (1, 3, 50, 2),  # 1.5 → 2 (half up)
        (99999, 3, 15, 254997),  # 254997.45
        (5, 1, 10, 5),  # 4.5 → 5
    ],
)
def test_term_price(annual, years, discount, expected):
    assert term_price(annual, years, discount) == expected


def test_a_term_ends_on_the_same_day_and_time():
    start = dt.datetime(2026, 11, 26, 4, 23, 31, tzinfo=UTC)
    assert add_years(start, 3) == dt.datetime(2029, 11, 26, 4, 23, 31, tzinfo=UTC)


def test_the_29th_of_february_ends_on_the_28th_in_a_common_year():
    leap = dt.datetime(2028, 2, 29, 12, tzinfo=UTC)
    assert add_years(leap, 1) == dt.datetime(2029, 2, 28, 12, tzinfo=UTC)
    assert add_years(leap, 4) == dt.datetime(2032, 2, 29, 12, tzinfo=UTC)


def test_term_days_count_leap_years():
    start = dt.datetime(2027, 3, 1, tzinfo=UTC)
    assert whole_days(start, add_years(start, 1)) == 366  # through 29 February 2028
    assert whole_days(start, add_years(start, 3)) == 1096
    start = dt.datetime(2026, 11, 26, 9, tzinfo=UTC)
    assert whole_days(start, add_years(start, 1)) == 365


def test_a_started_day_counts_whole():
    end = dt.datetime(2027, 1, 10, 12, tzinfo=UTC)
    assert days_left(end - dt.timedelta(days=3), end) == 3
    assert days_left(end - dt.timedelta(days=3, seconds=1), end) == 4
    assert days_left(end - dt.timedelta(seconds=1), end) == 1
    assert days_left(end, end) == 0
    assert days_left(end + dt.timedelta(days=1), end) == 0
