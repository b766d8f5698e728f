"""The gateway's HTTP entrypoint: nameko's `@http`, answering every failure in the contract's format.

`@api(method, url, ...)` also records what `/openapi.json` says of the route: its permission, the
schemas of its body, query and answers, and the errors it may give.
"""
import io
import json
import re
from http import HTTPStatus

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import HttpOnlyProtocol, WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from portal_common import request_context
from portal_common.errors import NotFound, PayloadTooLarge, PortalError, UnsupportedMediaType, ValidationFailed
from portal_common.ids import new_id
from portal_common.schemas import unstorable

from gateway.errors import error_response

JSON_BODY_LIMIT = 64 * 1024
URL_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")  # werkzeug's <converter:name> or <name>
JSON_TYPES = ("application/json",)
CHUNK_READ = 16 * 1024
REQUEST_ID_MAX = 128
REQUEST_ID_ENVIRON = "portal.request_id"


class JsonWsgiApp(WsgiApp):
    """nameko's WSGI app, with unknown routes and methods answered as JSON errors, and every answer
    carrying the request's id."""

    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
            request.path_values = values
            response = provider.handle_request(request)
        except HTTPException as exc:
            response = error_response(exc)
        if isinstance(response, Response):
            response.headers["X-Request-Id"] = request_id(request)
        return response(environ, start_response)


class SecurityHeadersOut:
    """The socket's writer, adding `X-Content-Type-Options: nosniff` to any answer that lacks it: the
    ones eventlet writes itself (a URI too long, a header line too long, a bad Content-Length, its
    500 when the app fails) never pass through the app."""

    def __init__(self, wfile):
        self._wfile = wfile

    def write(self, data):
        if data[:9] in (b"HTTP/1.0 ", b"HTTP/1.1 ") and data[9:10] != b"1":
            head, separator, rest = bytes(data).partition(b"\r\n\r\n")
            if separator and b"x-content-type-options" not in head.lower():
                status, _, headers = head.partition(b"\r\n")
                data = status + b"\r\nX-Content-Type-Options: nosniff" + (b"\r\n" + headers if headers else b"") \
                    + separator + rest
        return self._wfile.write(data)

    def writelines(self, lines):
        return self.write(b"".join(lines))

    def __getattr__(self, name):
        return getattr(self._wfile, name)


class SafeHttpProtocol(HttpOnlyProtocol):
    """eventlet's HTTP protocol with every answer carrying the security headers, and the ones the
    standard library writes for a request it cannot parse in the contract's JSON, with no `Server`
    banner naming versions."""

    def setup(self):
        super().setup()
        self.wfile = SecurityHeadersOut(self.wfile)

    def send_error(self, code, message=None, explain=None):
        status = HTTPStatus(code)
        name = "validation_error" if code == 400 else status.phrase.lower().replace(" ", "_").replace("-", "_")
        body = json.dumps({"error": {"code": name, "message": "The request could not be parsed: " + status.description,
                                     "details": {}}}).encode()
        self.close_connection = True
        self.log_request(code)
        self.wfile.write(
            b"HTTP/1.0 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n"
            b"X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n%s"
            % (code, status.phrase.encode("latin-1"), len(body), body)
        )


class JsonWebServer(WebServer):
    def get_wsgi_app(self):
        return JsonWsgiApp(self)

    def context_data_from_headers(self, request):
        """The request's id travels with every call the request makes, and on the events they cause."""
        return {request_context.REQUEST_ID: request_id(request)}

    def get_wsgi_server(self, sock, wsgi_app, protocol=SafeHttpProtocol, debug=False):
        return super().get_wsgi_server(sock, wsgi_app, protocol=protocol, debug=debug)


class ApiEntrypoint(HttpRequestHandler):
    server = JsonWebServer()

    def __init__(
        self, method, url, *, permission=None, summary="", body=None, query=None,
        responses=None, errors=(), body_limit=JSON_BODY_LIMIT, tag=None, idempotent=False, agent=False,
        raw_body=(), raw_response=(), enabled_by=None, **kwargs
    ):
        self.permission = permission
        self.summary = summary
        self.body = body
        self.query = query
        self.responses = responses or {}
        self.errors = tuple(errors)
        self.body_limit = body_limit
        self.tag = tag
        self.agent = agent  # authenticated by an agent key, not a session
        self.raw_body = raw_body  # content types of a body that is not JSON (a logo)
        self.raw_response = raw_response
        self.idempotent = idempotent  # True (a key is required), or when one is, in words
        # A config key: the route exists only when it is true. Such a route (a benchmark's) is not
        # part of the API, and not in /openapi.json.
        self.enabled_by = enabled_by
        super().__init__(method, url, expected_exceptions=(PortalError, HTTPException), **kwargs)

    def setup(self):
        if self.enabled_by and not _truthy(self.container.config.get(self.enabled_by)):
            return  # never registered: the URL answers 404 like any unknown one
        super().setup()
        # A route is always called with the request and its URL's parts: its signature is checked
        # once, here, rather than by nameko on every request (with `inspect`: a few % of the CPU).
        super().check_signature((None,), dict.fromkeys(URL_ARGUMENT.findall(self.url)))

    def check_signature(self, args, kwargs):
        pass  # checked once in setup

    def stop(self):
        if self.enabled_by and not _truthy(self.container.config.get(self.enabled_by)):
            return
        super().stop()

    def handle_request(self, request):
        if "chunked" in request.environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            try:
                _buffer_chunked_body(request.environ, self.body_limit)
            except PayloadTooLarge as exc:
                return error_response(exc)
        # No id holds text a database cannot store: refuse before any service sees it.
        if any(unstorable(str(value)) for value in request.path_values.values()):
            return error_response(NotFound())
        if any(unstorable(key + value) for key, value in request.args.items(multi=True)):
            return error_response(ValidationFailed("Query parameters may not contain NUL characters."))
        # werkzeug refuses to read past this.
        request.max_content_length = self.body_limit
        return super().handle_request(request)

    def response_from_exception(self, exc):
        return error_response(exc)


api = ApiEntrypoint.decorator


def _truthy(value):
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _buffer_chunked_body(environ, limit):
    """A chunked body has no Content-Length, and werkzeug would read it as empty: read it here (no
    further than the limit) and hand werkzeug the bytes with their length."""
    stream, data = environ["wsgi.input"], b""
    while len(data) <= limit:
        chunk = stream.read(CHUNK_READ)
        if not chunk:
            break
        data += chunk
    if len(data) > limit:
        raise PayloadTooLarge()
    environ["wsgi.input"] = io.BytesIO(data)
    environ["CONTENT_LENGTH"] = str(len(data))
    environ.pop("HTTP_TRANSFER_ENCODING", None)


def request_id(request):
    """The client's `X-Request-Id` when it is printable ASCII of at most `REQUEST_ID_MAX` characters,
    else a new one; the same for the whole request."""
    known = request.environ.get(REQUEST_ID_ENVIRON)
    if known is None:
        sent = request.headers.get("X-Request-Id", "")
        fits = 0 < len(sent) <= REQUEST_ID_MAX and all(" " <= ch <= "~" for ch in sent)
        known = request.environ[REQUEST_ID_ENVIRON] = sent if fits else new_id()
    return known


def json_body(request):
    """The request's JSON object; an empty body is an empty object."""
    data = request.get_data(cache=True)
    if not data:
        return {}
    if request.mimetype and request.mimetype not in JSON_TYPES:
        raise UnsupportedMediaType("Send JSON with Content-Type: application/json.")
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationFailed("The body is not valid JSON.", {"_body": ["Malformed JSON."]}) from None
    except RecursionError:
        raise ValidationFailed("The body nests too deeply.", {"_body": ["JSON nested too deeply."]}) from None
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.", {"_body": ["Expected a JSON object."]})
    return body


def query_args(request):
    """Query parameters as a plain dict (the first value of a repeated one)."""
    return {key: request.args.get(key) for key in request.args}
