"""The gateway's connections: slow or odd clients cost nobody else anything.

- A request's headers must arrive within `HEADERS_SECONDS` of its first byte being awaited, and its
  body within `BODY_SECONDS` after them; the body is read in full by the connection *before* a
  worker is taken, so a client that sends half a body holds a connection, never one of the workers
  that answer everyone. An unfinished request is answered 408 (or, idle between requests, closed);
  one that ends mid-body is let go quietly.
- At most `MAX_CONNECTIONS` are open at once; one more is answered 503 at once and closed.
- Every answer the server writes itself (a URI too long, a bad `Content-Length`, its own 500) is the
  contract's JSON error with the security headers; two different `Content-Length`s are a 400.
"""

import io
import json
import logging
from http import HTTPStatus

import eventlet
from nameko.web.server import HttpOnlyProtocol

from portal_common.errors import PayloadTooLarge, PortalError

from gateway.responses import API_CONTENT_SECURITY_POLICY

log = logging.getLogger(__name__)
HEADERS_SECONDS = 10.0  # from awaiting a request line to its last header
BODY_SECONDS = 20.0  # from the last header to the body's last byte: 1 MiB at 50 KB/s
MAX_CONNECTIONS = 1000
CHUNK_READ = 16 * 1024
HEADERS_CONFIG_KEY = "REQUEST_HEADERS_SECONDS"
BODY_CONFIG_KEY = "REQUEST_BODY_SECONDS"
CONNECTIONS_CONFIG_KEY = "GATEWAY_MAX_CONNECTIONS"


class TooSlow(Exception):
    """The client did not send its request in time."""


class RequestTimeout(PortalError):
    status = 408
    code = "request_timeout"
    default_message = "The request did not arrive in time: send it again."


class IncompleteBody(PortalError):
    status = 400
    code = "validation_error"
    default_message = "The connection ended before the body did."


def error_answer(status_code, code, message, extra_headers=b""):
    """A whole HTTP answer in the contract's JSON, that closes the connection."""
    status = HTTPStatus(status_code)
    body = json.dumps({"error": {"code": code, "message": message, "details": {}}}).encode()
    return (
        b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n"
        b"X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nContent-Security-Policy: %s\r\n%s\r\n%s"
        % (
            status_code,
            status.phrase.encode("latin-1"),
            len(body),
            API_CONTENT_SECURITY_POLICY.encode(),
            extra_headers,
            body,
        )
    )


def unparsed(status_code):
    status = HTTPStatus(status_code)
    if status_code >= 500:
        return error_answer(status_code, PortalError.code, PortalError.default_message)
    code = "validation_error" if status_code == 400 else status.phrase.lower().replace(" ", "_").replace("-", "_")
    return error_answer(status_code, code, "The request could not be parsed: " + status.description)


class SecurityHeadersOut:
    """The socket's writer: an answer the server made itself (no JSON body of ours) is replaced by
    the contract's JSON error of the same status, and every answer carries `nosniff`."""

    def __init__(self, wfile):
        self._wfile = wfile

    def write(self, data):
        if data[:9] in (b"HTTP/1.0 ", b"HTTP/1.1 ") and data[9:10] != b"1":
            head, separator, rest = bytes(data).partition(b"\r\n\r\n")
            lowered = head.lower()
            if separator and int(head[9:12]) >= 400 and b"application/json" not in lowered:
                data = unparsed(int(head[9:12]))
            elif separator and b"x-content-type-options" not in lowered:
                status, _, headers = head.partition(b"\r\n")
                data = (
                    status
                    + b"\r\nX-Content-Type-Options: nosniff"
                    + (b"\r\n" + headers if headers else b"")
                    + separator
                    + rest
                )
        return self._wfile.write(data)

    def writelines(self, lines):
        return self.write(b"".join(lines))

    def __getattr__(self, name):
        return getattr(self._wfile, name)


class SafeHttpProtocol(HttpOnlyProtocol):
    """eventlet's HTTP protocol with deadlines on the request's headers and body, one
    `Content-Length`, the contract's JSON for what it refuses, and no `Server` banner naming
    versions. `configured()` makes one with the gateway's settings."""

    headers_seconds = HEADERS_SECONDS
    body_seconds = BODY_SECONDS
    largest_body = 0  # the largest any route takes; a route's own limit is its own check

    @classmethod
    def configured(cls, headers_seconds, body_seconds, largest_body):
        return type(
            cls.__name__,
            (cls,),
            {"headers_seconds": headers_seconds, "body_seconds": body_seconds, "largest_body": largest_body},
        )

    def setup(self):
        super().setup()
        self.wfile = SecurityHeadersOut(self.wfile)

    def handle_one_request(self):
        self.raw_requestline = b""
        self._deadline = eventlet.Timeout(self.headers_seconds, TooSlow)
        try:
            super().handle_one_request()
        except TooSlow:
            if self.raw_requestline:  # a request begun and not finished
                self.wfile.write(error_answer(408, RequestTimeout.code, RequestTimeout.default_message))
            self.close_connection = True  # else a connection idle between requests: closed quietly
        finally:
            self._deadline.cancel()

    def handle_one_response(self):
        self._deadline.cancel()  # the headers are in: the body has a deadline of its own
        decided, self.close_connection = self.close_connection, True  # unless the body is read in full
        if len(set(self.headers.get_all("Content-Length") or ())) > 1:  # RFC 9112, 6.3
            self.wfile.write(error_answer(400, "validation_error", "Two different Content-Length headers."))
            return
        try:
            take_body(self.environ, self.largest_body, self.body_seconds)
        except IncompleteBody:
            log.info("a client went away in the middle of its request's body")
            return
        except PortalError as refused:  # 408, 413
            self.wfile.write(error_answer(refused.status, refused.code, refused.message))
            return
        self.close_connection = decided
        super().handle_one_response()

    def send_error(self, code, message=None, explain=None):
        self.close_connection = True
        self.log_request(code)
        self.wfile.write(unparsed(code))


def take_body(environ, limit, seconds):
    """Read the request's body (sized or chunked) within `seconds`, before any worker is taken, and
    hand it to the app as bytes in memory. Raises the error to answer (413, 408, 400)."""
    stream = environ["wsgi.input"]
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    length = None if chunked else int(environ.get("CONTENT_LENGTH") or 0)
    if length == 0:
        return  # nothing to wait for: most requests
    if length is not None and length > limit:
        raise PayloadTooLarge()
    data = b""
    with eventlet.Timeout(seconds, TooSlow):
        try:
            while length is None or len(data) < length:
                chunk = stream.read(CHUNK_READ if length is None else min(CHUNK_READ, length - len(data)))
                if not chunk:
                    break
                data += chunk
                if len(data) > limit:
                    raise PayloadTooLarge()
        except TooSlow:
            raise RequestTimeout() from None
        except (OSError, ValueError):  # the client went away, or sent a chunk that is not one
            raise IncompleteBody() from None
    if length is not None and len(data) < length:
        raise IncompleteBody()
    environ["wsgi.input"] = io.BytesIO(data)
    environ["CONTENT_LENGTH"] = str(len(data))
    environ.pop("HTTP_TRANSFER_ENCODING", None)


class ConnectionCount:
    """How many connections are open, and whether one more may be: past the bound, it is answered
    503 at once and closed, without reading a byte of it."""

    def __init__(self, most):
        self.most, self.open = most, 0

    def admit(self, sock):
        if self.open >= self.most:
            eventlet.spawn_n(_refuse, sock)
            return False
        self.open += 1
        return True

    def closed(self):
        self.open -= 1


def _refuse(sock):
    try:
        with eventlet.Timeout(1, False):
            sock.sendall(
                error_answer(
                    503, "service_unavailable", "Too many connections: try again shortly.", b"Retry-After: 1\r\n"
                )
            )
    except OSError:
        pass
    finally:
        sock.close()
