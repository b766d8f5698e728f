"""Fields with the contract's exact wire formats."""

import datetime as dt
from typing import Any

from marshmallow import ValidationError, fields, validate

NAME_MAX = 200
EMAIL_MAX = 254


def utc_text(when: dt.datetime) -> str:
    """ISO-8601 in UTC with a `Z`, to the second: `2026-11-26T04:23:31Z`. (Not `strftime`, whose `%Y`
    leaves a year before 1000 unpadded, which ISO-8601 readers refuse.)"""
    utc = when.astimezone(dt.timezone.utc)
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)


class UtcDateTime(fields.DateTime):
    """ISO-8601 in UTC with a `Z`, to the second: `2026-11-26T04:23:31Z`."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else utc_text(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("Not a valid datetime.")
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError("Not a valid ISO-8601 datetime.") from None
        if parsed.tzinfo is None:
            raise ValidationError("The time zone is missing: use UTC with a Z.")
        try:
            return parsed.astimezone(dt.timezone.utc)
        except OverflowError:  # 0001-01-01T00:00:00+01:00 is before the year 1 in UTC
            raise ValidationError("Not a time that can be written in UTC.") from None


class StrictBoolean(fields.Boolean):
    """Only JSON `true` and `false`: `1`, `"yes"` and friends are type errors."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Not a valid boolean.")
        return value


class StrictInteger(fields.Integer):
    """A JSON integer: not a float, a numeric string or a boolean."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        return super()._deserialize(value, attr, data, **kwargs)


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("May not be blank.")


def name_field(**kwargs: Any) -> fields.String:
    return fields.String(validate=[validate.Length(min=1, max=NAME_MAX), not_blank], **kwargs)


def email_field(**kwargs: Any) -> fields.Email:
    return fields.Email(validate=validate.Length(max=EMAIL_MAX), **kwargs)
