"""Accounts' part of the contract: the company profile and the customer accounts."""

import zoneinfo

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from portal_common.countries import ISO_3166_ALPHA_2
from portal_common.schemas.billing import Subscription
from portal_common.schemas.common import PageQuery
from portal_common.schemas.fields import StrictBoolean, UtcDateTime, email_field, name_field

ADDRESS_LINE_MAX = 200
POSTAL_CODE_MAX = 20
SEARCH_MAX = 200
ID_MAX = 64
ACCOUNT_STATUSES = ("none", "trial", "active", "expired")
COMPUTER_KINDS = ("workstation", "server")


class CountryCode(fields.String):
    """ISO 3166-1 alpha-2, any case in, upper case stored."""

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if code not in ISO_3166_ALPHA_2:
            raise ValidationError("Not an ISO 3166-1 alpha-2 country code.")
        return code


def iana_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("Not an IANA time zone name (like Europe/Berlin).")


def _line(**kwargs):
    return fields.String(allow_none=True, validate=validate.Length(max=ADDRESS_LINE_MAX), **kwargs)


# --- company ------------------------------------------------------------------------------------


class Address(Schema):
    line1 = _line()
    line2 = _line()
    city = _line()
    region = _line()
    postal_code = fields.String(allow_none=True, validate=validate.Length(max=POSTAL_CODE_MAX))
    country = CountryCode(allow_none=True)


class Location(Schema):
    timezone = fields.String(required=True, validate=iana_timezone)


class CompanyUpdateRequest(Schema):
    name = name_field()
    address = fields.Nested(Address)
    location = fields.Nested(Location)
    primary_contact_id = fields.String(validate=validate.Length(min=1, max=ID_MAX))
    require_two_factor = StrictBoolean()


class Contact(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)


class Company(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    address = fields.Nested(Address, required=True)
    location = fields.Nested(Location, required=True)
    primary_contact = fields.Nested(Contact, required=True)
    logo_url = fields.String(allow_none=True, required=True)
    require_two_factor = fields.Boolean(required=True)


class LogoUrl(Schema):
    logo_url = fields.String(required=True)


# --- customer accounts --------------------------------------------------------------------------


class AccountCreateRequest(Schema):
    name = name_field(required=True)
    contact_email = email_field(required=True)
    administered = StrictBoolean(load_default=True)


class AccountQuery(PageQuery):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(validate=validate.OneOf(ACCOUNT_STATUSES))
    q = fields.String(validate=validate.Length(max=SEARCH_MAX))


class AccountItem(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    contact_email = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(("Administrator", "Reseller")))
    status = fields.String(required=True, validate=validate.OneOf(ACCOUNT_STATUSES))
    product = fields.String(allow_none=True, required=True)
    plan = fields.String(allow_none=True, required=True)
    expires_at = UtcDateTime(allow_none=True, required=True)
    computers = fields.Integer(required=True)
    bytes_backed_up = fields.Integer(required=True)
    computers_not_backing_up = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)


class UserCreateRequest(Schema):
    email = email_field(required=True)
    name = name_field(required=True)


class User(Schema):
    id = fields.String(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    created_at = UtcDateTime(required=True)


class ComputerCreateRequest(Schema):
    name = name_field(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(COMPUTER_KINDS))


class Computer(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    created_at = UtcDateTime(required=True)


class ComputerCreated(Computer):
    agent_key = fields.String(required=True)


class AccountDetail(AccountItem):
    """The list item plus its people and machines. `computers` is the list here (as the contract
    says), so its count moves to `computer_count`."""

    users = fields.List(fields.Nested(User), required=True)
    computers = fields.List(fields.Nested(Computer), required=True)  # type: ignore[assignment]  # replaces the count
    computer_count = fields.Integer(required=True)
    subscriptions = fields.List(fields.Nested(Subscription), required=True)


class Released(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True)
