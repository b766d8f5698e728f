"""A list as CSV (`Accept: text/csv`): the whole filtered list, streamed.

The gateway never holds the list: it asks the service for one page after another (the same list
call and filters as the JSON answer, `CSV_PAGE_SIZE` items at a time) while the client reads, and
writes each page's rows as they come. The header is the item schema's fields in the order the JSON
gives them, nested objects flattened (`account.name`), so it is the same whatever the items hold.

The first page is fetched before anything is sent, so a refused filter, a role without the
permission or a service that does not answer is the usual JSON error. A later page that fails is
logged and the body ends there without its last chunk: the client sees a cut connection, not a
shorter file that looks whole.
"""

import csv
import io
import json
import logging

from eventlet.semaphore import Semaphore
from marshmallow import fields
from werkzeug.datastructures import MIMEAccept
from werkzeug.wrappers import Response

from portal_common.errors import RateLimited
from portal_common.pagination import MAX_LIMIT

from gateway.http import query_args, request_id
from gateway.responses import SECURITY_HEADERS

log = logging.getLogger(__name__)
CSV_TYPE = "text/csv"
JSON_TYPE = "application/json"
CSV_PAGE_SIZE = MAX_LIMIT  # the most a service's list call answers at once
# A text cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"
# Downloads a gateway streams at once: each outlives its worker (nameko's `max_workers` does not
# count it) and asks a service for page after page. One more is 429.
CSV_DOWNLOADS_AT_ONCE = 8
DOWNLOAD_RETRY_SECONDS = 5
_downloads = Semaphore(CSV_DOWNLOADS_AT_ONCE)


def wants_csv(request):
    """Whether the client prefers CSV to JSON (`Accept: text/csv`, or `text/*`). Anything else,
    an `Accept` naming neither included, is answered JSON as before CSV existed, not 406. A media
    type's parameters (`text/csv; charset=utf-8`, the type the answer has) do not change the choice."""
    types = request.accept_mimetypes
    if any(";" in value for value, _ in types):
        types = MIMEAccept((value.split(";", 1)[0].strip(), quality) for value, quality in types)
    return types.best_match((JSON_TYPE, CSV_TYPE)) == CSV_TYPE


def page_query(request, cursor):
    """The request's filters, for the page of the whole list that starts at `cursor` (the client's
    own `limit` and `cursor` page the JSON list only)."""
    return {**query_args(request), "limit": CSV_PAGE_SIZE, "cursor": cursor}


def csv_response(list_name, item_schema, fetch_page, request, now):
    """The list as a streamed CSV file, `<list_name>-<YYYY-MM-DD>.csv` on `now`'s date.

    `fetch_page(cursor)` answers one page `{"items", "next_cursor"}` of the filtered list, from
    cursor None on; it is called after the route has returned, so it must hold what it needs
    (the caller, the service's bound call, `page_query(request, cursor)`)."""
    if not _downloads.acquire(blocking=False):
        raise RateLimited.retry_after(DOWNLOAD_RETRY_SECONDS, "Too many lists are being downloaded: try again shortly.")
    try:
        first = fetch_page(None)
    except BaseException:
        _downloads.release()
        raise
    chunks = _csv_chunks(list_name, columns(item_schema), first, fetch_page, request_id(request))
    response = Response(_Download(chunks), status=200, content_type=f"{CSV_TYPE}; charset=utf-8")
    response.headers.update(SECURITY_HEADERS)
    response.headers["Content-Disposition"] = f'attachment; filename="{list_name}-{now.date().isoformat()}.csv"'
    return response


class _Download:
    """The file's chunks; its place among the downloads is given back when the server closes it
    (read to the end, or the client gone), started or not."""

    def __init__(self, chunks):
        self._chunks = chunks
        self._open = True

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._chunks)

    def close(self):
        if self._open:
            self._open = False
            self._chunks.close()
            _downloads.release()


def columns(item_schema):
    """(header, path into the item) of each column, in the schema's order: a nested object's fields
    as `parent.field`; arrays and free-form objects one column each, as JSON text."""
    schema = item_schema() if isinstance(item_schema, type) else item_schema
    found = []
    for name, field in schema.dump_fields.items():
        key = field.data_key or name
        if isinstance(field, fields.Nested) and not field.many:
            found.extend((f"{key}.{header}", (key, *path)) for header, path in columns(field.schema))
        else:
            found.append((key, (key,)))
    return found


def row(item, paths):
    return [cell(_at(item, path)) for path in paths]


def cell(value):
    """One value as CSV text: null empty, booleans as in JSON, arrays and objects as JSON text, text
    that a spreadsheet would run as a formula behind a `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str):
        return FORMULA_ESCAPE + value if value.startswith(FORMULA_STARTS) else value
    return str(value)


def _at(item, path):
    for key in path:
        if not isinstance(item, dict):
            return None
        item = item.get(key)
    return item


def _csv_chunks(list_name, found_columns, page, fetch_page, for_request):
    """The file's bytes, a page of rows at a time (`csv`'s defaults are RFC 4180: CRLF, quotes
    doubled, fields quoted when they must be)."""
    paths = [path for _, path in found_columns]
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([header for header, _ in found_columns])
    rows = 0
    while True:
        writer.writerows(row(item, paths) for item in page["items"])
        rows += len(page["items"])
        yield text.getvalue().encode("utf-8")
        text.seek(0)
        text.truncate()
        if not page["next_cursor"]:
            return
        try:
            page = fetch_page(page["next_cursor"])
        except Exception:
            log.error(
                "the CSV of %s for request %s is cut short after %d rows: a page could not be fetched",
                list_name,
                for_request,
                rows,
                exc_info=True,
            )
            raise
