from marshmallow import EXCLUDE, Schema, fields, validate

from portal_common.pagination import DEFAULT_LIMIT, MAX_LIMIT


class ErrorBody(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.Dict(required=True)


class ErrorResponse(Schema):
    error = fields.Nested(ErrorBody, required=True)


class PageQuery(Schema):
    """Query parameters: ones a route does not know are ignored (caches add their own)."""

    class Meta:
        unknown = EXCLUDE

    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The contract's list envelope around `item_schema`."""
    name = f"{item_schema.__name__}Page"
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "next_cursor": fields.String(allow_none=True, required=True),
        },
        name=name,
    )
