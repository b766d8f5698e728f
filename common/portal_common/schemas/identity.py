"""Identity's part of the contract: sign-up, sessions, two-step verification, employees."""

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from portal_common.common_passwords import is_common
from portal_common.roles import ASSIGNABLE_ROLES, ROLES
from portal_common.schemas.fields import StrictBoolean, UtcDateTime, email_field, name_field

PASSWORD_MIN = 10
PASSWORD_MAX = 128
# Sign-in takes what it is given (up to a bound) and answers invalid_credentials, rather than
# telling a guesser which passwords could not exist.
SIGN_IN_PASSWORD_MAX = 1024
TOKEN_MAX = 255
CODE_MAX = 64
USER_AGENT_MAX = 512
EMPLOYEE_STATUSES = ("invited", "active", "deactivated")


def not_common(password: str) -> None:
    if is_common(password):
        raise ValidationError("This password is one of the most commonly used: choose another.")


def password_field(**kwargs: Any) -> fields.String:
    """A new password: 10–128 characters, and not one of the most common."""
    return fields.String(validate=[validate.Length(min=PASSWORD_MIN, max=PASSWORD_MAX), not_common], **kwargs)


# --- requests -----------------------------------------------------------------------------------


class SignupRequest(Schema):
    company_name = name_field(required=True)
    name = name_field(required=True)
    email = email_field(required=True)
    password = password_field(required=True)


class SignInRequest(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=SIGN_IN_PASSWORD_MAX))
    device_token = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=TOKEN_MAX))


class VerifyRequest(Schema):
    challenge = fields.String(required=True, validate=validate.Length(min=1, max=TOKEN_MAX))
    code = fields.String(required=True, validate=validate.Length(min=1, max=CODE_MAX))
    remember_device = StrictBoolean(load_default=False)


class _NewPasswordSaysWhyAsPassword(Schema):
    """The contract: a new password refused says why in `details.password`, whichever route; where the
    body's field is `new_password`, its messages are under both names."""

    def handle_error(self, error: ValidationError, data: Any, *, many: bool, **kwargs: Any) -> None:
        if isinstance(error.messages, dict) and "new_password" in error.messages:
            error.messages.setdefault("password", error.messages["new_password"])


class PasswordChangeRequest(_NewPasswordSaysWhyAsPassword):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=SIGN_IN_PASSWORD_MAX))
    new_password = password_field(required=True)
    code = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=CODE_MAX))


class TwoFactorConfirmRequest(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=CODE_MAX))


class TwoFactorDisableRequest(Schema):
    password = fields.String(required=True, validate=validate.Length(min=1, max=SIGN_IN_PASSWORD_MAX))
    code = fields.String(required=True, validate=validate.Length(min=1, max=CODE_MAX))


class EmployeeCreateRequest(Schema):
    """Without `password`, the employee is invited by mail and sets one of their own."""

    email = email_field(required=True)
    name = name_field(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ASSIGNABLE_ROLES))
    password = password_field(load_default=None, allow_none=False)


class InvitationAcceptRequest(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=TOKEN_MAX))
    password = password_field(required=True)


class PasswordResetRequest(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))


class PasswordResetConfirmRequest(_NewPasswordSaysWhyAsPassword):
    token = fields.String(required=True, validate=validate.Length(min=1, max=TOKEN_MAX))
    new_password = password_field(required=True)
    code = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=CODE_MAX))


class EmployeeUpdateRequest(Schema):
    role = fields.String(validate=validate.OneOf(ASSIGNABLE_ROLES))
    active = StrictBoolean()


# --- responses ----------------------------------------------------------------------------------


class Partner(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)


class SessionEmployee(Schema):
    id = fields.String(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class SignupResponse(Schema):
    partner = fields.Nested(Partner, required=True)
    employee = fields.Nested(SessionEmployee, required=True)


class SessionCreated(Schema):
    token = fields.String(required=True)
    expires_at = UtcDateTime(required=True)
    employee = fields.Nested(SessionEmployee, required=True)
    device_token = fields.String()
    device_id = fields.String()  # the device as `GET /v1/me/devices` lists it ("this browser")
    device_expires_at = UtcDateTime()


class TwoFactorRequired(Schema):
    two_factor_required = fields.Boolean(required=True)
    challenge = fields.String(required=True)
    expires_at = UtcDateTime(required=True)


class Me(Schema):
    id = fields.String(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    partner_id = fields.String(required=True)
    two_factor_enabled = fields.Boolean(required=True)
    # The company requires a second factor this employee has not set up: their session may only set one up.
    two_factor_setup_required = fields.Boolean(required=True)


class TwoFactorSetup(Schema):
    secret = fields.String(required=True)
    otpauth_uri = fields.String(required=True)
    qr_svg = fields.String(required=True)


class RecoveryCodes(Schema):
    recovery_codes = fields.List(fields.String(), required=True)


class Device(Schema):
    id = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    expires_at = UtcDateTime(required=True)
    last_used_at = UtcDateTime(allow_none=True, required=True)
    user_agent = fields.String(allow_none=True, required=True)


class Employee(Schema):
    id = fields.String(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    active = fields.Boolean(required=True)  # signs in: status "active"
    status = fields.String(required=True, validate=validate.OneOf(EMPLOYEE_STATUSES))
    two_factor_enabled = fields.Boolean(required=True)


class Accepted(Schema):
    status = fields.String(required=True)
