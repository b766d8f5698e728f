"""Keyset pagination over time-ordered ids: `?limit=` 1–200 (default 50) and an opaque `?cursor=`."""
import base64
import binascii

from portal_common.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(last_id):
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith("after:") or len(text) <= len("after:"):
        raise ValidationFailed("The cursor is not one this API gave.", {"cursor": ["Invalid cursor."]})
    return text[len("after:"):]


def paginate(session, stmt, id_column, limit, cursor, scalars=True):
    """Run `stmt` one page at a time, ordered by `id_column`. With `scalars=False` the rows are
    tuples whose first element is the entity that holds the id."""
    if cursor:
        stmt = stmt.where(id_column > decode_cursor(cursor))
    stmt = stmt.order_by(id_column).limit(limit + 1)
    rows = session.scalars(stmt).all() if scalars else session.execute(stmt).all()
    return one_page(rows, limit, lambda row: getattr(row if scalars else row[0], id_column.key))


def one_page(rows, limit, id_of):
    """Rows fetched with one more than `limit`: the page, and the cursor to the next (None on the last)."""
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], encode_cursor(id_of(rows[limit - 1]))
