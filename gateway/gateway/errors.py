"""From an exception to the contract's error answer: one place, one table.

Service errors arrive as instances of `portal_common.errors` classes (registered with nameko), so
their status and code come from the class. Anything else is a bug or an outage: it is logged here
and answered without a word of its text.
"""

import logging

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge

from portal_common import errors
from portal_common.rpc import UNAVAILABLE

from gateway.responses import json_response

log = logging.getLogger(__name__)
BEARER_CHALLENGE = 'Bearer realm="partner-portal"'  # RFC 6750: a session token from POST /v1/sessions


def as_portal_error(exc):
    if isinstance(exc, errors.PortalError):
        return exc
    if isinstance(exc, RequestEntityTooLarge):
        return errors.PayloadTooLarge()
    if isinstance(exc, MethodNotAllowed):
        return MethodNotAllowedError()
    if isinstance(exc, NotFound):
        return errors.NotFound("No such route.")
    if isinstance(exc, UNAVAILABLE):
        return errors.ServiceUnavailable()
    log.error("unexpected error answering a request", exc_info=exc)
    return errors.PortalError()


class MethodNotAllowedError(errors.PortalError):
    status = 405
    code = "method_not_allowed"
    default_message = "This route does not take that method."


def error_response(exc):
    if isinstance(exc, HTTPException) and 300 <= (exc.code or 0) < 400:
        return exc  # werkzeug's redirects (a trailing slash), answered as they are
    error = as_portal_error(exc)
    headers = {}
    if isinstance(error, errors.RateLimited):
        headers["Retry-After"] = str(error.retry_after_seconds)
    if error.status == 401:  # RFC 9110: a 401 says how to authenticate
        headers["WWW-Authenticate"] = getattr(error, "challenge", BEARER_CHALLENGE)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    body = {"error": {"code": error.code, "message": error.message, "details": error.details}}
    return json_response(error.status, body, headers)
