"""Monitoring's part of the contract: agents' backup reports, computer states, the overview."""
import datetime as dt

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

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


def from_the_future(finished_at, now):
    """A report finishing more than 5 minutes after now is refused (a clock gone wrong)."""
    return finished_at > now + FUTURE_TOLERANCE


def _count(maximum, **kwargs):
    return StrictInteger(validate=validate.Range(min=0, max=maximum), **kwargs)


class ReportRequest(Schema):
    started_at = UtcDateTime(required=True)
    finished_at = UtcDateTime(required=True)
    status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    bytes_selected = _count(MAX_BACKUP_BYTES, required=True)
    bytes_backed_up = _count(MAX_BACKUP_BYTES, required=True)
    files = _count(MAX_FILES, required=True)
    error = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=ERROR_MAX))

    @validates_schema
    def in_order(self, data, **kwargs):
        if data["finished_at"] < data["started_at"]:
            raise ValidationError("A backup cannot finish before it starts.", "finished_at")


class ReportMessage(ReportRequest):
    """A report as the gateway hands it on: validated, with its id, computer and time of arrival."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    computer_id = fields.String(required=True)
    partner_id = fields.String(required=True)
    received_at = UtcDateTime(required=True)


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
