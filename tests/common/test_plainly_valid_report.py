"""The agents' fast path gives the schema's answer: whatever it takes, `ReportRequest` takes too, with
the same values; everything else it leaves to the schema (which says what is wrong)."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from portal_common.errors import ValidationFailed
from portal_common.schemas import load
from portal_common.schemas.monitoring import ERROR_MAX, MAX_BACKUP_BYTES, MAX_FILES, ReportRequest, plainly_valid_report

TIMES = st.one_of(
    st.sampled_from(
        [
            "2026-11-26T10:00:00Z",
            "2026-11-26T09:00:00+00:00",
            "2026-11-26T11:30:00+02:00",
            "2026-11-26T10:00:00",
            "2026-11-26",
            "2026-13-01T00:00:00Z",
            "",
            "now",
            "2026-11-26T10:00:00\x00Z",
            "２０２６-11-26T10:00:00Z",
        ]
    ),
    st.datetimes(timezones=st.sampled_from([dt.timezone.utc, dt.timezone(dt.timedelta(hours=-5)), None])).map(
        lambda when: when.isoformat()
    ),
    st.integers(),
    st.none(),
)
COUNTS = st.one_of(
    st.integers(min_value=-2, max_value=MAX_BACKUP_BYTES + 2),
    st.sampled_from([0, MAX_FILES, MAX_FILES + 1, MAX_BACKUP_BYTES, MAX_BACKUP_BYTES + 1]),
    st.booleans(),
    st.floats(allow_nan=False),
    st.text(max_size=3),
    st.none(),
)
VALUES = {
    "started_at": TIMES,
    "finished_at": TIMES,
    "status": st.one_of(
        st.sampled_from(["success", "failed", "partial", "Success", "", "ok"]),
        st.integers(),
        st.none(),
        st.lists(st.just("success"), max_size=1),
    ),
    "bytes_selected": COUNTS,
    "bytes_backed_up": COUNTS,
    "files": COUNTS,
    "error": st.one_of(
        st.none(),
        st.text(max_size=30),
        st.just("x" * ERROR_MAX),
        st.just("x" * (ERROR_MAX + 1)),
        st.just("disk \x00 full"),
        st.just("lone \ud800"),
        st.integers(),
    ),
}
DELETE = object()


def working_agents_report(report):
    """A report as agents send it, from the drawn values."""
    started = report.pop("started_at")
    finished = started + dt.timedelta(minutes=report.pop("minutes"))
    # An agent backs up at most what was selected.
    report["bytes_backed_up"] = min(report["bytes_backed_up"], report["bytes_selected"])
    body = {
        **report,
        "started_at": started.isoformat().replace("+00:00", "Z"),
        "finished_at": finished.isoformat().replace("+00:00", "Z"),
    }
    if body["error"] is None:
        del body["error"]  # it may be left out
    return body


WORKING_AGENTS_REPORTS = st.fixed_dictionaries(
    {
        "started_at": st.datetimes(
            min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1), timezones=st.just(dt.timezone.utc)
        ),
        "minutes": st.integers(min_value=0, max_value=600),
        "status": st.sampled_from(["success", "failed", "partial"]),
        "bytes_selected": st.integers(min_value=0, max_value=MAX_BACKUP_BYTES),
        "bytes_backed_up": st.integers(min_value=0, max_value=MAX_BACKUP_BYTES),
        "files": st.integers(min_value=0, max_value=MAX_FILES),
        "error": st.one_of(
            st.none(),
            st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=50),
        ),
    }
).map(working_agents_report)
# A working agent's report with one to three of its fields changed, removed, or one added.
CHANGES = st.lists(
    st.one_of(
        *(st.tuples(st.just(name), st.one_of(values, st.just(DELETE))) for name, values in VALUES.items()),
        st.tuples(st.just("extra"), st.text(max_size=3)),
    ),
    min_size=1,
    max_size=3,
)


def changed(body, changes):
    body = dict(body)
    for name, value in changes:
        if value is DELETE:
            body.pop(name, None)
        else:
            body[name] = value
    return body


def schema_answer(body):
    try:
        return load(ReportRequest, body)
    except ValidationFailed:
        return "refused"


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.builds(changed, WORKING_AGENTS_REPORTS, CHANGES),
        st.none(),
        st.lists(st.integers(), max_size=2),
        st.text(max_size=3),
    )
)
def test_what_the_fast_path_takes_the_schema_takes_the_same(body):
    fast = plainly_valid_report(body)
    if fast is not None:
        assert schema_answer(body) == fast


@settings(max_examples=500, deadline=None)
@given(WORKING_AGENTS_REPORTS)
def test_every_report_a_working_agent_sends_takes_the_fast_path(body):
    assert plainly_valid_report(body) == schema_answer(body) != "refused"
