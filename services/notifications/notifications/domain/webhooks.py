"""Webhooks as the Standard Webhooks specification has them: `whsec_` secrets, each event signed
with HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<body>", retried after growing delays with
the same id; an endpoint whose last `DISABLE_AFTER_FAILED_EVENTS` events all failed is switched off."""

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the contract asks at least 24
DEFAULT_RETRY_DELAYS = (5, 300, 1800, 7200, 18000, 36000)  # seconds: about 17 hours in all
DISABLE_AFTER_FAILED_EVENTS = 20
# Endpoints a partner keeps; with one try in flight per endpoint, also the share of the sending pool
# one partner can hold.
WEBHOOKS_PER_PARTNER = 20


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header of `body` (bytes) sent as `message_id` at `timestamp` (seconds)."""
    key = base64.b64decode(secret[len(SECRET_PREFIX) :])
    signed = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(signed).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


def delivered(status: int | None) -> bool:
    return status is not None and 200 <= status < 300


def next_delay(attempts: int, delays: Sequence[float]) -> float | None:
    """Seconds until the next try after `attempts` failed ones, or None: the delivery has failed."""
    return delays[attempts - 1] if attempts <= len(delays) else None


def should_disable(last_outcomes: Iterable[bool]) -> bool:
    """`last_outcomes`: the endpoint's latest finished deliveries, newest first (True: delivered)."""
    recent = list(last_outcomes)[:DISABLE_AFTER_FAILED_EVENTS]
    return len(recent) == DISABLE_AFTER_FAILED_EVENTS and not any(recent)
