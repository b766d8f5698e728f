"""Alert preferences: which alerts a partner gets, and by mail to whom (API.md 1.1, "Alerts by mail
and webhooks")."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from portal_common.schemas.fields import StrictBoolean, UtcDateTime, email_field

ALERT_TYPES = (
    "computer.not_backing_up",
    "computer.backup_failed",
    "computer.backing_up_again",
    "subscription.expiring",
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
    events = fields.List(
        fields.String(validate=validate.OneOf(ALERT_TYPES)),
        required=True,
        validate=validate.Length(max=len(ALERT_TYPES)),
    )

    @validates_schema
    def _each_event_once(self, data, **kwargs):
        if len(set(data.get("events", ()))) != len(data.get("events", ())):
            raise ValidationError("Each alert type once.", "events")


# --- webhooks -----------------------------------------------------------------------------------

WEBHOOK_EVENT_TYPES = ALERT_TYPES + (
    "order.placed",
    "account.created",
    "account.released",
    "subscription.renewed",
    "webhook.test",
)
WEBHOOK_URL_MAX = 2048
DESCRIPTION_MAX = 500
DELIVERY_STATUSES = ("pending", "delivered", "failed")


def _events_field(**kwargs):
    return fields.List(
        fields.String(validate=validate.OneOf(WEBHOOK_EVENT_TYPES)),
        validate=validate.Length(min=1, max=len(WEBHOOK_EVENT_TYPES)),
        **kwargs,
    )


class _EachEventOnce(Schema):
    @validates_schema
    def _each_event_once(self, data, **kwargs):
        events = data.get("events") or ()
        if len(set(events)) != len(events):
            raise ValidationError("Each event type once.", "events")


class WebhookCreateRequest(_EachEventOnce):
    url = fields.String(required=True, validate=validate.Length(min=1, max=WEBHOOK_URL_MAX))
    events = _events_field(required=True)
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))


class WebhookUpdateRequest(_EachEventOnce):
    url = fields.String(validate=validate.Length(min=1, max=WEBHOOK_URL_MAX))
    events = _events_field()
    description = fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))
    active = StrictBoolean()


class Webhook(Schema):
    id = fields.String(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    description = fields.String(required=True, allow_none=True)
    active = fields.Boolean(required=True)
    created_at = UtcDateTime(required=True)


class WebhookCreated(Webhook):
    secret = fields.String(required=True)  # shown only here


class Delivery(Schema):
    id = fields.String(required=True)
    event_id = fields.String(required=True)
    type = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(DELIVERY_STATUSES))
    attempts = fields.Integer(required=True)
    response_status = fields.Integer(required=True, allow_none=True)
    next_attempt_at = UtcDateTime(required=True, allow_none=True)
    delivered_at = UtcDateTime(required=True, allow_none=True)
    created_at = UtcDateTime(required=True)


class Accepted(Schema):
    status = fields.String(required=True)
