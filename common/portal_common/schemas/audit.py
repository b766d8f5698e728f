"""The audit log's query and items (API.md 1.1, "Audit log")."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from portal_common.events import ACTIVITY_TYPES
from portal_common.schemas.common import PageQuery
from portal_common.schemas.fields import UtcDateTime

ID_MAX = 64


class AuditQuery(PageQuery):
    class Meta:
        unknown = EXCLUDE

    type = fields.String(validate=validate.OneOf(ACTIVITY_TYPES))
    actor_id = fields.String(validate=validate.Length(min=1, max=ID_MAX))
    target_id = fields.String(validate=validate.Length(min=1, max=ID_MAX))
    since = UtcDateTime()
    until = UtcDateTime()

    @validates_schema
    def _since_before_until(self, data, **kwargs):
        if "since" in data and "until" in data and data["since"] > data["until"]:
            raise ValidationError("`until` comes before `since`.", "until")


class Actor(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True, allow_none=True)
    email = fields.String(required=True, allow_none=True)


class Target(Schema):
    kind = fields.String(required=True)
    id = fields.String(required=True)
    name = fields.String(required=True, allow_none=True)


class AuditEvent(Schema):
    id = fields.String(required=True)
    occurred_at = UtcDateTime(required=True)
    type = fields.String(required=True, validate=validate.OneOf(ACTIVITY_TYPES))
    actor = fields.Nested(Actor, required=True, allow_none=True)
    target = fields.Nested(Target, required=True)
    summary = fields.String(required=True)
    request_id = fields.String(required=True, allow_none=True)
