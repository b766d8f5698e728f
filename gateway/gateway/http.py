"""The gateway's HTTP entrypoint: nameko's `@http`, answering every failure in the contract's format.

`@api(method, url, ...)` also records what `/openapi.json` says of the route: its permission, the
schemas of its body, query and answers, and the errors it may give.
"""

import dataclasses
import functools
import json
import logging
import re
import time

import eventlet
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from portal_common import metrics, request_context
from portal_common.errors import NotFound, PortalError, UnsupportedMediaType, ValidationFailed
from portal_common.ids import new_id
from portal_common.schemas import unstorable

from gateway import connections
from gateway.errors import error_response

JSON_BODY_LIMIT = 64 * 1024
URL_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")  # werkzeug's <converter:name> or <name>
JSON_TYPES = ("application/json",)
ACCEPT_PAUSE_SECONDS = 0.1
REQUEST_ID_MAX = 128
REQUEST_ID_ENVIRON = "portal.request_id"
UNMATCHED_ROUTE = "<unmatched>"  # the route label of a path no route matches (never the raw path)
METHOD_MAX = 16  # of the method label: a client can send any word
log = logging.getLogger(__name__)


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
            response = error_response(exc)  # a redirect stays werkzeug's exception, which answers itself
            status = getattr(response, "status_code", None) or exc.code
            metrics.HTTP_REQUESTS.labels(UNMATCHED_ROUTE, request.method[:METHOD_MAX], str(status)).observe(0)
        if isinstance(response, Response):
            response.headers["X-Request-Id"] = request_id(request)
        return response(environ, start_response)


class JsonWebServer(WebServer):
    """nameko's web server with the gateway's connections (`gateway.connections`): deadlines on
    every request, bodies read before a worker is taken, a bound on open connections."""

    def get_wsgi_app(self):
        return JsonWsgiApp(self)

    def context_data_from_headers(self, request):
        """The request's id travels with every call the request makes, and on the events they cause."""
        return {request_context.REQUEST_ID: request_id(request)}

    def get_wsgi_server(self, sock, wsgi_app, protocol=None, debug=False):
        config = self.container.config
        headers_seconds = float(config.get(connections.HEADERS_CONFIG_KEY, connections.HEADERS_SECONDS))
        body_seconds = float(config.get(connections.BODY_CONFIG_KEY, connections.BODY_SECONDS))
        largest_body = max(getattr(provider, "body_limit", 0) for provider in self._providers)
        self.connections = connections.ConnectionCount(
            int(config.get(connections.CONNECTIONS_CONFIG_KEY, connections.MAX_CONNECTIONS))
        )
        server = super().get_wsgi_server(
            sock,
            wsgi_app,
            debug=debug,
            protocol=connections.SafeHttpProtocol.configured(headers_seconds, body_seconds, largest_body),
        )
        server.socket_timeout = headers_seconds + body_seconds  # a client that stops reading our answer
        return server

    def run(self):
        while self._is_accepting:
            try:
                sock, address = self._sock.accept()
            except OSError:  # out of file descriptors, say: not the end of the gateway
                log.warning("a connection could not be accepted", exc_info=True)
                eventlet.sleep(ACCEPT_PAUSE_SECONDS)
                continue
            sock.settimeout(self._serv.socket_timeout)
            if self.connections.admit(sock):
                self.container.spawn_managed_thread(functools.partial(self._serve, sock, address))

    def _serve(self, sock, address):
        try:
            self.process_request(sock, address)
        finally:
            self.connections.closed()


@dataclasses.dataclass(frozen=True)
class OptionalKey:
    """A route that takes an Idempotency-Key if one is sent: `does` says what it is for."""

    does: str


class ApiEntrypoint(HttpRequestHandler):
    server = JsonWebServer()

    def __init__(
        self,
        method,
        url,
        *,
        permission=None,
        summary="",
        body=None,
        query=None,
        responses=None,
        errors=(),
        body_limit=JSON_BODY_LIMIT,
        tag=None,
        idempotent=False,
        agent=False,
        raw_body=(),
        raw_response=(),
        csv=False,
        kept=False,
        enabled_by=None,
        **kwargs,
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
        self.csv = csv  # a list that answers `Accept: text/csv` with all of itself (`gateway.csv_lists`)
        self.kept = kept  # answered from `gateway.read_cache`, with an ETag (304 to If-None-Match)
        # True (a key is required); when one is, in words; or an OptionalKey (what a key does)
        self.idempotent = idempotent
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
        # No id holds text a database cannot store: refuse before any service sees it.
        if any(unstorable(str(value)) for value in request.path_values.values()):
            return error_response(NotFound())
        if any(unstorable(key + value) for key, value in request.args.items(multi=True)):
            return error_response(ValidationFailed("Query parameters may not contain NUL characters."))
        # werkzeug refuses to read past this.
        request.max_content_length = self.body_limit
        started = time.perf_counter()
        response = super().handle_request(request)
        metrics.HTTP_REQUESTS.labels(self.url, self.method, str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response

    def response_from_exception(self, exc):
        return error_response(exc)


api = ApiEntrypoint.decorator


def _truthy(value):
    return str(value).strip().lower() in ("1", "true", "yes", "on")


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
