"""Alert preferences: which alerts a partner gets, and by mail to whom (API.md 1.1, "Alerts by mail
and webhooks")."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from portal_common.schemas.fields import StrictBoolean, email_field

ALERT_TYPES = (
    "computer.not_backing_up", "computer.backup_failed", "computer.backing_up_again", "subscription.expiring",
    "trial.ending",
)
RECIPIENTS_MAX = 20


class EmailSettings(Schema):
    enabled = StrictBoolean(required=True)
    recipients = fields.List(email_field(), required=True, validate=validate.Length(max=RECIPIENTS_MAX))

    @validates_schema
    def _someone_when_enabled(self, data, **kwargs):
        if data.get("enabled") and not data.get("recipients"):
            raise ValidationError("At least one recipient while mail is enabled.", "recipients")
        lowered = [email.lower() for email in data.get("recipients", ())]
        if len(set(lowered)) != len(lowered):
            raise ValidationError("Each recipient once.", "recipients")


class Settings(Schema):
    email = fields.Nested(EmailSettings, required=True)
    events = fields.List(fields.String(validate=validate.OneOf(ALERT_TYPES)), required=True,
                         validate=validate.Length(max=len(ALERT_TYPES)))

    @validates_schema
    def _each_event_once(self, data, **kwargs):
        if len(set(data.get("events", ()))) != len(data.get("events", ())):
            raise ValidationError("Each alert type once.", "events")
