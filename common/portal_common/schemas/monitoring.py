"""Monitoring's part of the contract: agents' backup reports, computer states, the overview."""

import datetime as dt
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from portal_common.schemas import unstorable
from portal_common.schemas.common import PageQuery
from portal_common.schemas.fields import StrictInteger, UtcDateTime

REPORT_STATUSES = ("success", "failed", "partial")
COMPUTER_STATES = ("ok", "not_backing_up", "new")
# One backup of one computer: at most 1 PiB and a billion files (sums over many stay exact).
MAX_BACKUP_BYTES = 2**50
MAX_FILES = 10**9
ERROR_MAX = 2000
THRESHOLD_HOURS = (1, 720)
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
# A backup's times: any later year is a clock gone wrong, and the years around 1 and 9999 overflow
# as soon as a time zone moves them.
REPORT_YEARS = (2000, 9998)


def from_the_future(finished_at: dt.datetime, now: dt.datetime) -> bool:
    """A report finishing more than 5 minutes after now is refused (a clock gone wrong)."""
    return finished_at > now + FUTURE_TOLERANCE


def _count(maximum: int, **kwargs: Any) -> StrictInteger:
    return StrictInteger(validate=validate.Range(min=0, max=maximum), **kwargs)


class ReportRequest(Schema):
    """A backup agent's report (unknown fields are refused, as everywhere)."""

    started_at = UtcDateTime(required=True)
    finished_at = UtcDateTime(required=True)
    status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    bytes_selected = _count(MAX_BACKUP_BYTES, required=True)
    bytes_backed_up = _count(MAX_BACKUP_BYTES, required=True)
    files = _count(MAX_FILES, required=True)
    error = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=ERROR_MAX))

    @validates_schema
    def in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        for name in ("started_at", "finished_at"):
            if not REPORT_YEARS[0] <= data[name].year <= REPORT_YEARS[1]:
                raise ValidationError(f"A backup's times are in the years {REPORT_YEARS[0]}–{REPORT_YEARS[1]}.", name)
        if data["finished_at"] < data["started_at"]:
            raise ValidationError("A backup cannot finish before it starts.", "finished_at")
        if data["bytes_backed_up"] > data["bytes_selected"]:
            raise ValidationError("A backup cannot back up more than was selected.", "bytes_backed_up")


REPORT_FIELDS = frozenset(ReportRequest._declared_fields)
REQUIRED_REPORT_FIELDS = frozenset(name for name, field in ReportRequest._declared_fields.items() if field.required)
REPORT_COUNTS = {"bytes_selected": MAX_BACKUP_BYTES, "bytes_backed_up": MAX_BACKUP_BYTES, "files": MAX_FILES}


def plainly_valid_report(data: Any) -> dict[str, Any] | None:
    """`ReportRequest`'s load of a report any working agent sends, in plain Python: agents report
    thousands a second, and the schema costs as much as the rest of the request. None for anything
    else (missing or extra fields, a wrong type, a value out of range, odd text): the schema then
    says what is wrong, in the contract's words. A test holds the two to the same answers."""
    if not isinstance(data, dict) or not REQUIRED_REPORT_FIELDS <= data.keys() <= REPORT_FIELDS:
        return None
    error = data.get("error")
    if data["status"] not in REPORT_STATUSES or not (
        error is None or (type(error) is str and len(error) <= ERROR_MAX and not unstorable(error))
    ):
        return None
    for name, maximum in REPORT_COUNTS.items():
        if type(data[name]) is not int or not 0 <= data[name] <= maximum:
            return None
    if data["bytes_backed_up"] > data["bytes_selected"]:
        return None
    started_at, finished_at = plain_utc(data["started_at"]), plain_utc(data["finished_at"])
    if started_at is None or finished_at is None or finished_at < started_at:
        return None
    if not all(REPORT_YEARS[0] <= when.year <= REPORT_YEARS[1] for when in (started_at, finished_at)):
        return None
    return {**data, "started_at": started_at, "finished_at": finished_at, "error": error}


def plain_utc(value: object) -> dt.datetime | None:
    """An ISO-8601 text with its time zone, as an aware UTC datetime; None for anything else."""
    if type(value) is not str or not value.isascii() or "\x00" in value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return None if parsed.tzinfo is None else parsed.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):  # a zone that moves it past the years 1–9999
        return None


class Report(Schema):
    id = fields.String(required=True)
    started_at = UtcDateTime(required=True)
    finished_at = UtcDateTime(required=True)
    status = fields.String(required=True)
    bytes_selected = fields.Integer(required=True)
    bytes_backed_up = fields.Integer(required=True)
    files = fields.Integer(required=True)
    error = fields.String(allow_none=True, required=True)
    received_at = UtcDateTime(required=True)


class Accepted(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True)


class Settings(Schema):
    not_backing_up_after_hours = StrictInteger(
        required=True, validate=validate.Range(min=THRESHOLD_HOURS[0], max=THRESHOLD_HOURS[1])
    )


class Overview(Schema):
    accounts = fields.Integer(required=True)
    computers = fields.Integer(required=True)
    bytes_backed_up = fields.Integer(required=True)
    computers_not_backing_up = fields.Integer(required=True)
    not_backing_up_after_hours = fields.Integer(required=True)


class ComputerQuery(PageQuery):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(validate=validate.OneOf(COMPUTER_STATES))
    account_id = fields.String(validate=validate.Length(min=1, max=64))


class ComputerState(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    account_id = fields.String(required=True)
    account_name = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(COMPUTER_STATES))
    last_backup_at = UtcDateTime(allow_none=True, required=True)
    last_status = fields.String(allow_none=True, required=True)
    last_success_at = UtcDateTime(allow_none=True, required=True)
    bytes_backed_up = fields.Integer(required=True)


class BackupStatus(Schema):
    bytes_backed_up = fields.Integer(required=True)
    computers = fields.List(fields.Nested(ComputerState), required=True)
