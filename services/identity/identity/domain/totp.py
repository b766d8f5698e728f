"""TOTP as RFC 6238 says (SHA-1, 6 digits, 30-second steps), with one step of drift either way and
no step ever accepted twice: a code is good only for a step after the last one accepted."""

import datetime as dt
import hmac

import pyotp

STEP_SECONDS = 30
DRIFT_STEPS = 1
DIGITS = 6
ISSUER = "Partner Portal"


def new_secret() -> str:
    return pyotp.random_base32()


def step_at(when: dt.datetime) -> int:
    return int(when.timestamp()) // STEP_SECONDS


def looks_like_totp(code: str) -> bool:
    return len(code) == DIGITS and code.isascii() and code.isdigit()


def accepted_step(secret: str, code: str, now: dt.datetime, last_step: int | None) -> int | None:
    """The step `code` belongs to, if it may be accepted now; else None."""
    if not looks_like_totp(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = step_at(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(name=email, issuer_name=ISSUER)
