"""The HTTP contract's bodies as marshmallow schemas.

The services load their RPC input through them and dump their answers through them; the gateway
builds `/openapi.json` from the same classes, so the document cannot drift from what is enforced.
"""
from marshmallow import ValidationError

from portal_common.errors import ValidationFailed


def unstorable(text):
    """Text no database stores: a NUL character (PostgreSQL refuses it), or a lone UTF-16 surrogate
    (no UTF-8 encoding exists for it)."""
    return "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text)


def _unstorable_fields(data, path=""):
    if isinstance(data, str):
        return [path or "_body"] if unstorable(data) else []
    if isinstance(data, dict):
        return [bad for key, value in data.items()
                for bad in ([str(key)] if unstorable(str(key)) else _unstorable_fields(value, path or str(key)))]
    if isinstance(data, list):
        return [bad for value in data for bad in _unstorable_fields(value, path)]
    return []


_instances = {}


def _instance(schema):
    """One instance per schema class: making one deep-copies every field, which cost more than the
    loading itself on hot paths. Instances hold no per-call state."""
    if not isinstance(schema, type):
        return schema
    found = _instances.get(schema)
    if found is None:
        found = _instances[schema] = schema()
    return found


def load(schema, data):
    """Validate `data` with `schema` (a class or an instance), raising the contract's 400."""
    schema = _instance(schema)
    if data is None:
        data = {}
    bad = _unstorable_fields(data)
    if bad:
        raise ValidationFailed("Text may not contain NUL characters or lone surrogates.",
                               {field: ["May not contain NUL characters or lone surrogates."] for field in bad})
    try:
        return schema.load(data)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_body": exc.messages}
        raise ValidationFailed("The request is not valid.", messages) from None


def dump(schema, obj, many=False):
    return _instance(schema).dump(obj, many=many)
