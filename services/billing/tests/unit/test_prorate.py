"""The contract's pro-rating formula, with examples worked by hand and properties checked broadly."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from billing.domain.prorate import prorate, upgrade_full_cents
from billing.domain.terms import add_years

UTC = dt.timezone.utc
START = dt.datetime(2026, 11, 26, 10, 0, tzinfo=UTC)

starts = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2040, 12, 31), timezones=st.just(UTC))
fulls = st.integers(min_value=0, max_value=10**9)
years = st.sampled_from([1, 2, 3])


def test_a_worked_example_mid_term():
    # core → power, 1 year, quantity 2: (59999 − 28599) × 2 = 62800 for 365 days;
    # 100 days and 7 hours in, 265 days are left counting the started one: 62800 × 265 / 365 = 45594.52…
    expires = add_years(START, 1)
    now = START + dt.timedelta(days=100, hours=7)
    full = upgrade_full_cents(28599, 59999, 2)
    result = prorate(full, START, expires, now)
    assert (result.term_days, result.remaining_days, result.amount_cents) == (365, 265, 45595)


def test_a_three_year_term_across_a_leap_day():
    start = dt.datetime(2027, 6, 1, tzinfo=UTC)
    expires = add_years(start, 3)  # includes 29 February 2028
    result = prorate(100_000, start, expires, start + dt.timedelta(days=500))
    assert result.term_days == 1096
    assert result.remaining_days == 596
    assert result.amount_cents == 54380  # 100000 × 596 / 1096 = 54379.56…


def test_on_the_last_second_one_day_is_left_and_after_expiry_nothing():
    expires = add_years(START, 1)
    assert prorate(36500, START, expires, expires - dt.timedelta(seconds=1)).amount_cents == 100
    assert prorate(36500, START, expires, expires + dt.timedelta(days=2)).amount_cents == 0


@given(start=starts, term=years, full=fulls, elapsed=st.floats(min_value=0, max_value=1))
def test_never_more_than_the_full_difference_and_never_negative(start, term, full, elapsed):
    expires = add_years(start, term)
    now = start + (expires - start) * elapsed
    amount = prorate(full, start, expires, now).amount_cents
    assert 0 <= amount <= full


@given(start=starts, term=years, full=fulls)
def test_the_first_day_costs_the_full_difference(start, term, full):
    expires = add_years(start, term)
    for now in (start, start + dt.timedelta(hours=23, minutes=59)):
        result = prorate(full, start, expires, now)
        assert result.remaining_days == result.term_days
        assert result.amount_cents == full


@given(start=starts, term=years, full=fulls, a=st.integers(0, 1200), b=st.integers(0, 1200))
def test_more_days_left_never_costs_less(start, term, full, a, b):
    expires = add_years(start, term)
    earlier, later = sorted((a, b))
    at_earlier = prorate(full, start, expires, start + dt.timedelta(days=earlier))
    at_later = prorate(full, start, expires, start + dt.timedelta(days=later))
    assert at_earlier.remaining_days >= at_later.remaining_days
    assert at_earlier.amount_cents >= at_later.amount_cents


@given(start=starts, term=years, full=fulls, days=st.integers(0, 1200))
def test_the_amount_is_the_formula_rounded_half_up_exactly(start, term, full, days):
    from fractions import Fraction

    expires = add_years(start, term)
    result = prorate(full, start, expires, start + dt.timedelta(days=days, seconds=1))
    exact = Fraction(full * result.remaining_days, result.term_days)
    assert result.amount_cents - exact <= Fraction(1, 2)
    assert exact - result.amount_cents < Fraction(1, 2)
