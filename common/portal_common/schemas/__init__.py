"""The HTTP contract's bodies as marshmallow schemas.

The services load their RPC input through them and dump their answers through them; the gateway
builds `/openapi.json` from the same classes, so the document cannot drift from what is enforced.
"""
from marshmallow import ValidationError

from portal_common.errors import ValidationFailed


def load(schema, data):
    """Validate `data` with `schema` (a class or an instance), raising the contract's 400."""
    if isinstance(schema, type):
        schema = schema()
    if data is None:
        data = {}
    try:
        return schema.load(data)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_body": exc.messages}
        raise ValidationFailed("The request is not valid.", messages) from None


def dump(schema, obj):
    if isinstance(schema, type):
        schema = schema()
    return schema.dump(obj)
