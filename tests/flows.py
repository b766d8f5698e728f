"""Small steps the end-to-end tests are made of: partners, employees, sign-in, two-step verification.

Every helper speaks HTTP to the system from `tests.harness` (the `system` fixture) and checks the
answers it relies on, so a test reads as the story it tells. Tests stay apart by signing up partners
of their own with unique emails; they never share an employee.

TOTP codes come from the system's fake clock. A step once accepted is never accepted again, so
`next_code` moves the clock to the next 30-second step before it makes a code.
"""

import dataclasses
import datetime as dt
import itertools
import uuid

import pyotp

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "another long passphrase 42"
STEP = dt.timedelta(seconds=30)
ERROR_KEYS = {"code", "message", "details"}

_counter = itertools.count(1)


def unique_email(prefix="someone"):
    """An email no other test (or run) has used; the domain is a real-looking one for validators."""
    return f"{prefix}.{next(_counter)}.{uuid.uuid4().hex[:10]}@example.com"


@dataclasses.dataclass
class Actor:
    """An employee the test holds: who they are, how they sign in, and a signed-in client."""

    system: object
    id: str
    partner_id: str
    email: str
    password: str
    role: str
    name: str
    token: str = None
    secret: str = None
    recovery_codes: list = None

    @property
    def client(self):
        return self.system.client(self.token)


# --- answers ----------------------------------------------------------------------------------------


def assert_error(response, status, code):
    """`response` is the contract's error answer: exactly `{"error": {"code", "message", "details"}}`."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers.get("Content-Type", "").startswith("application/json"), response.headers
    assert "Traceback" not in response.text and 'File "' not in response.text, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == ERROR_KEYS, error
    assert error["code"] == code, (error, status)
    assert isinstance(error["message"], str) and error["message"].strip(), error
    assert isinstance(error["details"], dict), error
    if code == "validation_error":  # "details maps field → list of messages"
        for messages in error["details"].values():
            assert isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages), error
    return error


def names_field(error, field):
    """Whether a validation error's `details` names `field`, or a field inside it (`address.country`)."""
    return any(key == field or key.startswith(field + ".") for key in error["details"])


def assert_iso_utc(value):
    """A time as the contract writes it: ISO-8601, UTC, with a `Z`. Answers it as a datetime."""
    assert isinstance(value, str) and value.endswith("Z"), value
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def totp(secret, when, offset_steps=0):
    return pyotp.TOTP(secret).at(when + offset_steps * STEP)


def next_code(clock, secret):
    """Move the clock one step on and answer the code of that step (never a replay of an earlier one)."""
    clock.advance(seconds=30)
    return totp(secret, clock.now())


# --- sign-up and sign-in ----------------------------------------------------------------------------


def sign_up(system, *, email=None, password=PASSWORD, company_name=None, name="Olive Owner"):
    """A new partner; answers its owner, signed in (no second factor yet)."""
    email = email or unique_email("owner")
    response = system.client().post(
        "/v1/signup",
        json={
            "company_name": company_name or f"Company {uuid.uuid4().hex[:8]}",
            "name": name,
            "email": email,
            "password": password,
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    owner = Actor(
        system=system,
        id=body["employee"]["id"],
        partner_id=body["partner"]["id"],
        email=email,
        password=password,
        role="owner",
        name=name,
    )
    owner.token = sign_in_token(system, email, password)
    return owner


def sign_in(system, email, password, **extra):
    """The raw answer of `POST /v1/sessions`."""
    return system.client().post("/v1/sessions", json={"email": email, "password": password, **extra})


def sign_in_token(system, email, password):
    """Sign in someone without a second factor; answers the session token."""
    response = sign_in(system, email, password)
    assert response.status_code == 201, response.text
    return response.json()["token"]


def challenge_for(actor, **extra):
    """Sign in an employee with a second factor; answers the 202 challenge id."""
    response = sign_in(actor.system, actor.email, actor.password, **extra)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["two_factor_required"] is True
    return body["challenge"]


def verify(system, challenge, code, **extra):
    return system.client().post("/v1/sessions/verify", json={"challenge": challenge, "code": code, **extra})


def sign_in_with_code(actor, clock, **extra):
    """The whole two-step sign-in with a fresh TOTP; answers the 201 body (token and maybe device)."""
    challenge = challenge_for(actor)
    response = verify(actor.system, challenge, next_code(clock, actor.secret), **extra)
    assert response.status_code == 201, response.text
    return response.json()


# --- two-step verification ----------------------------------------------------------------------------


def enable_two_factor(actor, clock):
    """Set up and confirm TOTP for `actor` (signed in); answers (secret, recovery codes) and keeps them
    on the actor. The clock is left on the step the confirmation spent."""
    client = actor.client
    response = client.post("/v1/me/2fa/setup")
    assert response.status_code == 200, response.text
    secret = response.json()["secret"]
    response = client.post("/v1/me/2fa/confirm", json={"code": next_code(clock, secret)})
    assert response.status_code == 200, response.text
    codes = response.json()["recovery_codes"]
    actor.secret, actor.recovery_codes = secret, codes
    return secret, codes


# --- employees ----------------------------------------------------------------------------------------


def create_employee(owner, role, *, email=None, password=PASSWORD, name=None, sign_in_now=True):
    """A new employee of `owner`'s partner with `role`, signed in unless told otherwise."""
    email = email or unique_email(role)
    name = name or f"{role.title()} Person"
    response = owner.client.post(
        "/v1/employees",
        json={
            "email": email,
            "name": name,
            "role": role,
            "password": password,
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    employee = Actor(
        system=owner.system,
        id=body["id"],
        partner_id=owner.partner_id,
        email=email,
        password=password,
        role=role,
        name=name,
    )
    if sign_in_now:
        employee.token = sign_in_token(owner.system, email, password)
    return employee


def walk(client, path, limit):
    """Every item of a list, page by page; answers (items, number of pages)."""
    items, pages, cursor = [], 0, None
    while True:
        params = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        response = client.get(path, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"items", "next_cursor"}, body
        assert len(body["items"]) <= limit
        items.extend(body["items"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return items, pages
        assert pages < 100, "the cursor never ends"


def wrong_code(secret, when):
    """A six-digit code that is not the code of any step near `when`."""
    near = {totp(secret, when, offset) for offset in range(-3, 4)}
    return next(code for code in (f"{n:06d}" for n in range(123456, 1000000)) if code not in near)
