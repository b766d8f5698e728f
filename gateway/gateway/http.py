"""The gateway's HTTP entrypoint: nameko's `@http`, answering every failure in the contract's format.

`@api(method, url, ...)` also records what `/openapi.json` says of the route: its permission, the
schemas of its body, query and answers, and the errors it may give.
"""
import json

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from portal_common.errors import PortalError, UnsupportedMediaType, ValidationFailed

from gateway.errors import error_response

JSON_BODY_LIMIT = 64 * 1024
JSON_TYPES = ("application/json",)


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
        responses=None, errors=(), body_limit=JSON_BODY_LIMIT, tag=None, **kwargs
    ):
        self.permission = permission
        self.summary = summary
        self.body = body
        self.query = query
        self.responses = responses or {}
        self.errors = tuple(errors)
        self.body_limit = body_limit
        self.tag = tag
        super().__init__(method, url, expected_exceptions=PortalError, **kwargs)

    def handle_request(self, request):
        # werkzeug refuses to read past this, with or without a Content-Length.
        request.max_content_length = self.body_limit
        return super().handle_request(request)

    def response_from_exception(self, exc):
        return error_response(exc)


api = ApiEntrypoint.decorator


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
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.", {"_body": ["Expected a JSON object."]})
    return body


def query_args(request):
    """Query parameters as a plain dict (the first value of a repeated one)."""
    return {key: request.args.get(key) for key in request.args}
