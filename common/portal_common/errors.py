"""Errors that cross the bus by name.

Every error a service raises for a client derives from `PortalError`, carries the contract's
`code` and HTTP `status`, and is registered with nameko so that the gateway receives an instance of
the same class (not a `RemoteError`) and can answer from the class itself.
"""

import json
from typing import Any

from nameko.exceptions import deserialize_to_instance


class PortalError(Exception):
    status = 500
    code = "internal_error"
    default_message = "Something went wrong on our side."

    def __init__(self, message: str | None = None, details: Any = None) -> None:
        # `args` is what nameko serialises and what the gateway rebuilds the error from. nameko
        # turns every number in them into a string, so the details travel as one JSON text.
        if not isinstance(details, str):
            details = json.dumps(details or {})
        super().__init__(message or self.default_message, details)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        deserialize_to_instance(cls)

    @property
    def message(self) -> str:
        return self.args[0]

    @property
    def details(self) -> Any:
        return json.loads(self.args[1])


deserialize_to_instance(PortalError)


def error_named(name: str) -> type[PortalError]:
    """The error class of that name (to raise again a refusal kept by name); PortalError if none."""
    waiting: list[type[PortalError]] = [PortalError]
    while waiting:
        kind = waiting.pop()
        if kind.__name__ == name:
            return kind
        waiting.extend(kind.__subclasses__())
    return PortalError


class ValidationFailed(PortalError):
    """`details` maps each field to a list of messages, as the contract says; a field inside another
    is named by its path (`address.country`, `items.0.quantity`), whatever nesting it came in."""

    status = 400
    code = "validation_error"
    default_message = "The request is not valid."

    def __init__(self, message: str | None = None, details: Any = None) -> None:
        super().__init__(message, details if isinstance(details, str) else flat_details(details or {}))


def flat_details(details: Any, path: str = "") -> dict[str, list[Any]]:
    """marshmallow's nested messages (`{"items": {0: {"plan": [...]}}}`) as field path → messages."""
    if not isinstance(details, dict):
        return {path: list(details) if isinstance(details, (list, tuple)) else [details]}
    flat: dict[str, list[Any]] = {}
    for key, value in details.items():
        flat.update(flat_details(value, f"{path}.{key}" if path else str(key)))
    return flat


class Unauthenticated(PortalError):
    status = 401
    code = "unauthenticated"
    default_message = "Sign in first: the token is missing, unknown, expired or revoked."


class InvalidCredentials(PortalError):
    status = 401
    code = "invalid_credentials"
    default_message = "Wrong email or password."


class InvalidToken(PortalError):
    status = 401
    code = "invalid_token"
    default_message = "This link is wrong, used or expired: ask for a new one."


class InvalidCode(PortalError):
    status = 401
    code = "invalid_code"
    default_message = "The code is wrong, expired or already used."


class Forbidden(PortalError):
    status = 403
    code = "forbidden"
    default_message = "Your role does not allow this."


class TwoFactorRequired(Forbidden):
    code = "two_factor_required"
    default_message = "Your company requires two-step verification: set it up (POST /v1/me/2fa/setup) to go on."


class NotFound(PortalError):
    status = 404
    code = "not_found"
    default_message = "No such resource."


class AccountsToBeAsked(PortalError):
    """Billing has not heard of an account it is asked to sell to (opened an instant ago, or before
    billing listened to accounts): the gateway asks accounts and calls again with its answer. Never
    a client's answer."""

    status = 503
    code = "service_unavailable"
    default_message = "Billing does not know these accounts yet."


class Conflict(PortalError):
    status = 409
    code = "conflict"
    default_message = "The request contradicts the current state."


class EmailTaken(Conflict):
    code = "email_taken"
    default_message = "This email address is already in use."


class PayloadTooLarge(PortalError):
    status = 413
    code = "payload_too_large"
    default_message = "The body is over its size limit."


class UnsupportedMediaType(PortalError):
    status = 415
    code = "unsupported_media_type"
    default_message = "This content type is not accepted here."


class RateLimited(PortalError):
    status = 429
    code = "rate_limited"
    default_message = "Too many attempts: try again later."

    @classmethod
    def retry_after(cls, seconds: float, message: str | None = None) -> "RateLimited":
        return cls(message, {"retry_after_seconds": int(seconds)})

    @property
    def retry_after_seconds(self) -> int:
        return max(1, int(self.details.get("retry_after_seconds", 1)))


class ServiceUnavailable(PortalError):
    status = 503
    code = "service_unavailable"
    default_message = "A backing service did not answer in time."


class NotAdministrator(PortalError):
    status = 403
    code = "not_administrator"
    default_message = "Your company does not administer this account (it is a Reseller account)."


class NoFreeSeat(Conflict):
    code = "no_free_seat"
    default_message = "The account's subscriptions have no free seat for this computer."


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_message = "This Idempotency-Key was used for a different request."


class AlreadySubscribed(Conflict):
    code = "already_subscribed"
    default_message = "The account already has a trial or active subscription of this product."


class TrialUsed(Conflict):
    code = "trial_used"
    default_message = "The account has had its free trial of this product: buy a subscription instead."


class NotAvailable(Conflict):
    code = "not_available"
    default_message = "That inventory subscription is no longer available."
