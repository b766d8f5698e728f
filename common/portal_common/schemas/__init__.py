"""The HTTP contract's bodies as marshmallow schemas.

The services load their RPC input through them and dump their answers through them; the gateway
builds `/openapi.json` from the same classes, so the document cannot drift from what is enforced.
"""
from marshmallow import ValidationError

from portal_common.errors import ValidationFailed


def _nul_fields(data, path=""):
    """Fields holding a NUL character: no database stores one (PostgreSQL refuses it outright)."""
    if isinstance(data, str):
        return [path or "_body"] if "\x00" in data else []
    if isinstance(data, dict):
        return [bad for key, value in data.items()
                for bad in ([str(key)] if "\x00" in str(key) else _nul_fields(value, path or str(key)))]
    if isinstance(data, list):
        return [bad for value in data for bad in _nul_fields(value, path)]
    return []


def load(schema, data):
    """Validate `data` with `schema` (a class or an instance), raising the contract's 400."""
    if isinstance(schema, type):
        schema = schema()
    if data is None:
        data = {}
    bad = _nul_fields(data)
    if bad:
        raise ValidationFailed("Text may not contain NUL characters.",
                               {field: ["May not contain NUL characters."] for field in bad})
    try:
        return schema.load(data)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_body": exc.messages}
        raise ValidationFailed("The request is not valid.", messages) from None


def dump(schema, obj):
    if isinstance(schema, type):
        schema = schema()
    return schema.dump(obj)
