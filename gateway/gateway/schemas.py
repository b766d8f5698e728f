"""The gateway's own answers (the services' are in portal_common.schemas)."""

from marshmallow import Schema, fields


class Livez(Schema):
    status = fields.String(required=True)


class Health(Schema):
    status = fields.String(required=True)
    services = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
