"""Times as the contract and the events write them, read back by the same plain reader."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from portal_common.schemas.fields import utc_text
from portal_common.schemas.monitoring import plain_utc


def test_a_time_is_written_in_utc_to_the_second_with_a_z():
    two_hours_east = dt.timezone(dt.timedelta(hours=2))
    assert utc_text(dt.datetime(2026, 11, 26, 6, 23, 31, 999_999, tzinfo=two_hours_east)) == "2026-11-26T04:23:31Z"


def test_a_year_before_1000_keeps_its_four_digits():
    assert utc_text(dt.datetime(999, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)) == "0999-01-02T03:04:05Z"


@given(st.datetimes(timezones=st.just(dt.timezone.utc)))
def test_every_written_time_reads_back_as_itself_to_the_second(when):
    assert plain_utc(utc_text(when)) == when.replace(microsecond=0)
