"""The gateway's HTTP entrypoint: nameko's `@http`, answering every failure in the contract's format.

`@api(method, url, ...)` also records what `/openapi.json` says of the route: its permission, the
schemas of its body, query and answers, and the errors it may give.
"""
import io
import json

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from portal_common.errors import NotFound, PayloadTooLarge, PortalError, UnsupportedMediaType, ValidationFailed

from portal_common.schemas import unstorable

from gateway.errors import error_response

JSON_BODY_LIMIT = 64 * 1024
JSON_TYPES = ("application/json",)
CHUNK_READ = 16 * 1024


class JsonWsgiApp(WsgiApp):
    """nameko's WSGI app, with unknown routes and methods answered as JSON errors."""

    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
            request.path_values = values
            response = provider.handle_request(request)
        except HTTPException as exc:
            response = error_response(exc)
        return response(environ, start_response)


class JsonWebServer(WebServer):
    def get_wsgi_app(self):
        return JsonWsgiApp(self)


class ApiEntrypoint(HttpRequestHandler):
    server = JsonWebServer()

    def __init__(
        self, method, url, *, permission=None, summary="", body=None, query=None,
        responses=None, errors=(), body_limit=JSON_BODY_LIMIT, tag=None, idempotent=False, agent=False,
        raw_body=(), raw_response=(), **kwargs
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
        super().__init__(method, url, expected_exceptions=(PortalError, HTTPException), **kwargs)

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
