"""Lists as CSV: the columns a schema gives, the cells, formulas neutralised, pages streamed."""

import csv
import datetime as dt
import io

import pytest
from eventlet.semaphore import Semaphore
from marshmallow import Schema, fields
from werkzeug.test import EnvironBuilder

from portal_common.errors import RateLimited
from portal_common.schemas import accounts, billing, monitoring

from gateway import csv_lists
from gateway.openapi import openapi_document


class Person(Schema):
    id = fields.String()
    name = fields.String(allow_none=True)


class Place(Schema):
    city = fields.String()
    owner = fields.Nested(Person, allow_none=True)


class Entry(Schema):
    id = fields.String()
    actor = fields.Nested(Person, allow_none=True)
    place = fields.Nested(Place)
    tags = fields.List(fields.String())
    people = fields.List(fields.Nested(Person))
    extra = fields.Dict()
    done = fields.Boolean()
    count = fields.Integer()
    secret = fields.String(load_only=True)
    shown_as = fields.String(data_key="label")


def request(accept=None, query=None):
    return EnvironBuilder(
        path="/v1/things", query_string=query, headers={"Accept": accept} if accept else {}
    ).get_request()


def parsed(body):
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))


def test_nested_objects_are_flattened_in_the_schemas_order_and_the_rest_are_one_column():
    assert [header for header, _ in csv_lists.columns(Entry)] == [
        "id",
        "actor.id",
        "actor.name",
        "place.city",
        "place.owner.id",
        "place.owner.name",
        "tags",
        "people",
        "extra",
        "done",
        "count",
        "label",
    ]


def test_the_lists_columns_are_their_items_fields_in_json_order():
    assert [header for header, _ in csv_lists.columns(accounts.AccountItem)] == list(accounts.AccountItem().fields)
    assert [header for header, _ in csv_lists.columns(monitoring.ComputerState)] == list(
        monitoring.ComputerState().fields
    )
    assert [header for header, _ in csv_lists.columns(billing.Subscription)][-1] == "addons"


def test_a_null_nested_object_leaves_its_cells_empty_and_keeps_the_columns():
    paths = [path for _, path in csv_lists.columns(Entry)]
    row = csv_lists.row(
        {
            "id": "e1",
            "actor": None,
            "place": {"city": "Oslo", "owner": None},
            "tags": [],
            "people": [{"id": "p1", "name": "Ann"}],
            "extra": {"a": 1},
            "done": False,
            "count": 0,
            "label": "x",
        },
        paths,
    )
    assert row == ["e1", "", "", "Oslo", "", "", "[]", '[{"id":"p1","name":"Ann"}]', '{"a":1}', "false", "0", "x"]
    assert csv_lists.row({}, paths) == [""] * len(paths)


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert csv_lists.cell(text) == "'" + text


@pytest.mark.parametrize(
    "value, text",
    [
        ("plain", "plain"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("", ""),
        (None, ""),
        (True, "true"),
        (-5, "-5"),
        (12345678901234, "12345678901234"),
        (["=x"], '["=x"]'),
        ("Zoë", "Zoë"),
    ],
)
def test_other_values(value, text):
    assert csv_lists.cell(value) == text


@pytest.mark.parametrize(
    "accept, wanted",
    [
        (None, False),
        ("*/*", False),
        ("application/json", False),
        ("application/xml", False),
        ("text/csv", True),
        ("text/*", True),
        ("text/csv, */*;q=0.1", True),
        ("text/csv;q=0.5, application/json", False),
        ("text/csv; charset=utf-8", True),
        ("text/csv;charset=utf-8", True),
        ("text/csv; header=present; q=0.9", True),
        ("text/csv;charset=utf-8;q=0.5, application/json", False),
        ("application/json; charset=utf-8, text/csv;q=0.5", False),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),
    ],
)
def test_csv_only_when_the_client_prefers_it(accept, wanted):
    assert csv_lists.wants_csv(request(accept)) is wanted


def test_a_page_asks_for_the_whole_list_with_the_requests_filters():
    query = csv_lists.page_query(request("text/csv", "status=active&limit=5&cursor=abc"), "next")
    assert query == {"status": "active", "limit": csv_lists.CSV_PAGE_SIZE, "cursor": "next"}


class Pages:
    """A list of `pages` pages of two items, answered page by page like a service's list call."""

    def __init__(self, pages, fail_at=None):
        self.pages, self.fail_at, self.asked = pages, fail_at, []

    def __call__(self, cursor):
        number = 0 if cursor is None else int(cursor)
        self.asked.append(cursor)
        if number == self.fail_at:
            raise RuntimeError("the service did not answer")
        items = [
            {
                "id": f"{number}-{n}",
                "actor": {"id": "a", "name": "=cmd|' /C calc'!A0"},
                "place": {"city": 'Oslo, "N"'},
                "tags": ["x"],
                "done": True,
                "count": n,
                "label": "line\nbreak",
            }
            for n in range(2)
        ]
        return {"items": items, "next_cursor": str(number + 1) if number + 1 < self.pages else None}


@pytest.fixture(autouse=True)
def downloads(monkeypatch):
    """A count of downloads of each test's own (these tests do not always close what they open)."""
    monkeypatch.setattr(csv_lists, "_downloads", Semaphore(csv_lists.CSV_DOWNLOADS_AT_ONCE))


def test_at_most_so_many_downloads_at_once_and_a_closed_one_makes_room():
    def start():
        return csv_lists.csv_response(
            "things", Entry, Pages(2), request("text/csv"), dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
        )

    open_ones = [start() for _ in range(csv_lists.CSV_DOWNLOADS_AT_ONCE)]
    with pytest.raises(RateLimited):
        start()
    open_ones[0].response.close()  # the server closes what it sent, read or not
    open_ones[0].response.close()  # twice is once
    again = start()
    with pytest.raises(RateLimited):
        start()
    b"".join(again.response)
    again.response.close()
    start()


def test_a_download_whose_first_page_fails_takes_no_place():
    for _ in range(csv_lists.CSV_DOWNLOADS_AT_ONCE + 1):
        with pytest.raises(RuntimeError):
            csv_lists.csv_response(
                "things",
                Entry,
                Pages(3, fail_at=0),
                request("text/csv"),
                dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc),
            )
    csv_lists.csv_response(
        "things", Entry, Pages(1), request("text/csv"), dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
    )


def test_the_file_comes_a_page_at_a_time_with_a_dated_name():
    pages = Pages(3)
    response = csv_lists.csv_response(
        "things", Entry, pages, request("text/csv"), dt.datetime(2026, 11, 26, 23, 59, tzinfo=dt.timezone.utc)
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="things-2026-11-26.csv"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert pages.asked == [None]  # the first page before anything is sent
    chunks = iter(response.response)
    first = next(chunks)
    assert pages.asked == [None]  # the next page only when the client has read this one
    rest = list(chunks)
    assert pages.asked == [None, "1", "2"] and len(rest) == 2
    rows = parsed(first + b"".join(rest))
    assert rows[0] == [header for header, _ in csv_lists.columns(Entry)]
    assert [row[0] for row in rows[1:]] == ["0-0", "0-1", "1-0", "1-1", "2-0", "2-1"]
    assert rows[1][2] == "'=cmd|' /C calc'!A0" and rows[1][3] == 'Oslo, "N"' and rows[1][-1] == "line\nbreak"
    assert first.startswith(b"id,actor.id,") and b"\r\n" in first  # RFC 4180 line ends


def test_an_empty_list_is_its_header_row():
    response = csv_lists.csv_response(
        "things",
        Entry,
        lambda cursor: {"items": [], "next_cursor": None},
        request("text/csv"),
        dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc),
    )
    assert parsed(b"".join(response.response)) == [[header for header, _ in csv_lists.columns(Entry)]]


def test_a_page_that_fails_later_ends_the_body_with_an_error_after_the_rows_sent(caplog):
    pages = Pages(5, fail_at=2)
    response = csv_lists.csv_response(
        "things", Entry, pages, request("text/csv"), dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
    )
    chunks = iter(response.response)
    sent = [next(chunks), next(chunks)]
    with pytest.raises(RuntimeError):
        next(chunks)
    assert len(parsed(b"".join(sent))) == 1 + 4
    assert "cut short after 4 rows" in caplog.text


def test_a_first_page_that_fails_is_the_routes_error():
    with pytest.raises(RuntimeError):
        csv_lists.csv_response(
            "things", Entry, Pages(3, fail_at=0), request("text/csv"), dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
        )


@pytest.mark.parametrize("path", ["/v1/accounts", "/v1/subscriptions", "/v1/monitoring/computers"])
def test_the_lists_document_their_csv_answer(path):
    answer = openapi_document()["paths"][path]["get"]["responses"]["200"]
    assert set(answer["content"]) == {"application/json", "text/csv"}
    assert "Content-Disposition" in answer["headers"] and "text/csv" in answer["description"]
