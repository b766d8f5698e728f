"""Identity's use cases as its entrypoints call them (payloads loaded through the contract's
schemas), for the use-case tests: a company, its owner and employees, signing in and out."""

import datetime as dt

import pyotp

from portal_common.pagination import DEFAULT_LIMIT
from portal_common.schemas import identity as api
from portal_common.schemas import load

from identity.usecases import employees, links, sessions, two_factor

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)
STEP = dt.timedelta(seconds=30)  # a TOTP step: a code of a later step is a new code
PASSWORD = "a long enough password"
NEW_PASSWORD = "another long enough password"
OWNER = "owner@acme.test"
PAGE = {"limit": DEFAULT_LIMIT, "cursor": None}


def sign_up(uow, hasher, email=OWNER, company="Acme"):
    """The new company's owner, signed in, as the gateway sends a caller."""
    payload = {"company_name": company, "name": "Olive Owner", "email": email, "password": PASSWORD}
    employees.sign_up(uow, hasher, NOW, load(api.SignupRequest, payload))
    return signed_in(uow, hasher, email)


def add_employee(uow, hasher, caller, email, role="sales", password=PASSWORD):
    """An employee the caller added with a password, or invited (`password=None`)."""
    payload = {"email": email, "name": email.split("@")[0].title(), "role": role}
    if password:
        payload["password"] = password
    return employees.create_employee(uow, hasher, NOW, caller, load(api.EmployeeCreateRequest, payload))


def update(uow, caller, employee_id, **changes):
    return employees.update_employee(uow, NOW, caller, employee_id, load(api.EmployeeUpdateRequest, changes))


def sign_in(uow, hasher, email, password=PASSWORD, now=NOW, device_token=None):
    payload = {"email": email, "password": password, "device_token": device_token}
    return sessions.sign_in(uow, hasher, now, load(api.SignInRequest, payload))


def verify(uow, challenge, code, now=NOW, remember_device=False, user_agent=None):
    payload = {"challenge": challenge, "code": code, "remember_device": remember_device}
    return sessions.verify(uow, now, load(api.VerifyRequest, payload), user_agent)


def change_password(uow, hasher, caller, current=PASSWORD, code=None, now=NOW):
    payload = {"current_password": current, "new_password": NEW_PASSWORD, "code": code}
    sessions.change_password(uow, hasher, now, caller, load(api.PasswordChangeRequest, payload))


def reset_password(uow, hasher, token, code=None, now=NOW):
    payload = {"token": token, "new_password": NEW_PASSWORD, "code": code}
    links.confirm_reset(uow, hasher, now, load(api.PasswordResetConfirmRequest, payload))


def caller_of(uow, token, now=NOW):
    me = sessions.authenticate(uow, now, token)
    return {"partner_id": me["partner_id"], "employee_id": me["id"], "role": me["role"], "session_id": me["session_id"]}


def signed_in(uow, hasher, email, now=NOW):
    return caller_of(uow, sign_in(uow, hasher, email, now=now)["token"], now)


def code_at(secret, when):
    return pyotp.TOTP(secret).at(when)


def turn_on_two_factor(uow, caller, now=NOW):
    """The seed and recovery codes of the caller's second factor, confirmed with the code of `now`."""
    secret = two_factor.set_up(uow, caller)["secret"]
    confirmed = two_factor.confirm(uow, now, caller, load(api.TwoFactorConfirmRequest, {"code": code_at(secret, now)}))
    return secret, confirmed["recovery_codes"]


def mailed_token(uow, event_type):
    """The secret of the newest link mailed (`employee_invited`, `password_reset_requested`)."""
    return uow.events(event_type)[-1]["token"]


def activity_of(uow, activity_type):
    return [summary for kind, summary in uow.activity() if kind == activity_type]
