"""The HTTP contract's bodies as marshmallow schemas.

The services load their RPC input through them and dump their answers through them; the gateway
builds `/openapi.json` from the same classes, so the document cannot drift from what is enforced.
"""

from typing import Any

from marshmallow import Schema, ValidationError

from portal_common.errors import ValidationFailed


def unstorable(text: str) -> bool:
    """Text no database stores: a NUL character (PostgreSQL refuses it), or a lone UTF-16 surrogate
    (no UTF-8 encoding exists for it)."""
    return "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text)


def _unstorable_fields(data: Any) -> list[str]:
    """The top-level fields of `data` holding unstorable text anywhere below them. A loop, not a
    recursion: any depth the JSON parser takes is walked (a body nested 500 deep is a 400)."""
    bad, waiting = [], [(data, "")]
    while waiting:
        value, path = waiting.pop()
        if isinstance(value, str):
            if unstorable(value):
                bad.append(path or "_body")
        elif isinstance(value, dict):
            for key, item in value.items():
                if unstorable(str(key)):
                    bad.append(str(key))
                else:
                    waiting.append((item, path or str(key)))
        elif isinstance(value, list):
            waiting.extend((item, path) for item in value)
    return sorted(set(bad))


_instances: dict[type[Schema], Schema] = {}


def _instance(schema: type[Schema] | Schema) -> Schema:
    """One instance per schema class: making one deep-copies every field, which cost more than the
    loading itself on hot paths. Instances hold no per-call state."""
    if not isinstance(schema, type):
        return schema
    found = _instances.get(schema)
    if found is None:
        found = _instances[schema] = schema()
    return found


def load(schema: type[Schema] | Schema, data: Any) -> Any:
    """Validate `data` with `schema` (a class or an instance), raising the contract's 400."""
    schema = _instance(schema)
    if data is None:
        data = {}
    bad = _unstorable_fields(data)
    if bad:
        raise ValidationFailed(
            "Text may not contain NUL characters or lone surrogates.",
            {field: ["May not contain NUL characters or lone surrogates."] for field in bad},
        )
    try:
        return schema.load(data)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_body": exc.messages}
        raise ValidationFailed("The request is not valid.", messages) from None


def dump(schema: type[Schema] | Schema, obj: Any, many: bool = False) -> Any:
    return _instance(schema).dump(obj, many=many)
