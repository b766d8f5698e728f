"""Keyset pagination over time-ordered ids: `?limit=` 1–200 (default 50) and an opaque `?cursor=`.
A list ordered by a time column pages on (that time, id) instead: `paginate_by_time`."""

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import Session

from portal_common.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith("after:") or len(text) <= len("after:"):
        raise ValidationFailed("The cursor is not one this API gave.", {"cursor": ["Invalid cursor."]})
    return text[len("after:") :]


def paginate(
    session: Session, stmt: Select[Any], id_column: Any, limit: int, cursor: str | None, scalars: bool = True
) -> tuple[Sequence[Any], str | None]:
    """Run `stmt` one page at a time, ordered by `id_column`. With `scalars=False` the rows are
    tuples whose first element is the entity that holds the id."""
    if cursor:
        stmt = stmt.where(id_column > decode_cursor(cursor))
    stmt = stmt.order_by(id_column).limit(limit + 1)
    rows = session.scalars(stmt).all() if scalars else session.execute(stmt).all()
    return one_page(rows, limit, lambda row: getattr(row if scalars else row[0], id_column.key))


def one_page(rows: Sequence[Any], limit: int, id_of: Callable[[Any], str]) -> tuple[Sequence[Any], str | None]:
    """Rows fetched with one more than `limit`: the page, and the cursor to the next (None on the last)."""
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], encode_cursor(id_of(rows[limit - 1]))


def encode_time_cursor(when: dt.datetime, last_id: str) -> str:
    text = json.dumps([when.isoformat(), last_id])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_time_cursor(cursor: str) -> tuple[dt.datetime, str]:
    """(aware time, id) of a cursor `encode_time_cursor` made; a 400 for anything else."""
    try:
        when, last_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        when = dt.datetime.fromisoformat(when)
        if when.tzinfo is None or not isinstance(last_id, str):
            raise ValueError(cursor)
        return when, last_id
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise ValidationFailed("The cursor is not one this API gave.", {"cursor": ["Invalid cursor."]}) from None


def paginate_by_time(
    session: Session, stmt: Select[Any], time_column: Any, id_column: Any, limit: int, cursor: str | None
) -> tuple[Sequence[Any], str | None]:
    """Run `stmt` one page at a time, earliest `time_column` first (ties by `id_column`); rows whose
    time is null are never reached, so `stmt` should leave them out."""
    if cursor:
        when, last_id = decode_time_cursor(cursor)
        stmt = stmt.where(or_(time_column > when, and_(time_column == when, id_column > last_id)))
    rows = session.scalars(stmt.order_by(time_column, id_column).limit(limit + 1)).all()
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_time_cursor(getattr(last, time_column.key), getattr(last, id_column.key))
