"""The one table from exceptions to the contract's answers."""

import json

import eventlet
import pytest
from nameko.exceptions import RemoteError, UnknownService, deserialize, serialize
from werkzeug.exceptions import MethodNotAllowed, NotFound, RequestEntityTooLarge

from portal_common import errors

from gateway.errors import error_response

CONTRACT_CODES = {
    400: {"validation_error"},
    401: {"unauthenticated", "invalid_credentials", "invalid_code", "invalid_token"},
    403: {"forbidden", "not_administrator", "two_factor_required"},
    404: {"not_found"},
    405: {"method_not_allowed"},
    409: {
        "conflict",
        "email_taken",
        "idempotency_key_reused",
        "no_free_seat",
        "already_subscribed",
        "not_available",
        "trial_used",
    },
    413: {"payload_too_large"},
    415: {"unsupported_media_type"},
    429: {"rate_limited"},
    500: {"internal_error"},
    503: {"service_unavailable"},
}


def all_errors(cls=errors.PortalError):
    """The services' errors (the gateway's own, such as its connections' 408, are not theirs to send),
    whatever other modules the test run has imported."""
    if cls.__module__ == errors.__name__:
        yield cls
    for sub in cls.__subclasses__():
        yield from all_errors(sub)


def body(response):
    return json.loads(response.get_data())


@pytest.mark.parametrize("error_class", list(all_errors()), ids=lambda cls: cls.__name__)
def test_every_service_error_has_a_contract_status_and_code(error_class):
    assert error_class.code in CONTRACT_CODES[error_class.status], error_class


@pytest.mark.parametrize("error_class", list(all_errors()), ids=lambda cls: cls.__name__)
def test_every_service_error_crosses_the_bus_as_itself(error_class):
    sent = error_class("a message", {"field": ["a problem"]})
    received = deserialize(json.loads(json.dumps(serialize(sent))))
    assert type(received) is error_class
    assert received.message == "a message" and received.details == {"field": ["a problem"]}
    response = error_response(received)
    assert response.status_code == error_class.status
    assert body(response) == {
        "error": {"code": error_class.code, "message": "a message", "details": {"field": ["a problem"]}}
    }


def test_rate_limited_says_when_to_come_back():
    received = deserialize(json.loads(json.dumps(serialize(errors.RateLimited.retry_after(42)))))
    response = error_response(received)
    assert response.status_code == 429 and response.headers["Retry-After"] == "42"


@pytest.mark.parametrize("exc", [eventlet.Timeout(), UnknownService("billing"), ConnectionRefusedError()])
def test_a_silent_or_missing_service_is_503(exc):
    response = error_response(exc)
    assert response.status_code == 503 and body(response)["error"]["code"] == "service_unavailable"


@pytest.mark.parametrize(
    "exc, status, code",
    [
        (NotFound(), 404, "not_found"),
        (MethodNotAllowed(), 405, "method_not_allowed"),
        (RequestEntityTooLarge(), 413, "payload_too_large"),
    ],
)
def test_routing_failures_are_answered_in_the_contract_format(exc, status, code):
    response = error_response(exc)
    assert response.status_code == status and body(response)["error"]["code"] == code
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unexpected_error_is_500_without_a_word_of_its_text():
    response = error_response(RemoteError("ZeroDivisionError", "secret internals at line 12"))
    assert response.status_code == 500
    assert "secret internals" not in response.get_data(as_text=True)
    assert body(response)["error"]["code"] == "internal_error"
