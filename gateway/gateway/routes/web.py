"""The web portal's static files: `/` and `/assets/<name>`, from `gateway/web/`.

The pages are one more HTTP client of the `/v1` JSON API; nothing here touches a service. These
routes are not part of that API, so they use their own entrypoint (not `@api`) and stay out of
`/openapi.json` and the role table.

Only files present in `web/` when the gateway starts are served, looked up by exact name in that
list: a name that walks out of the folder (`../service.py`, `%2e%2e/`, a backslash, ...) is simply
not in it and is 404.
"""

import hashlib
import mimetypes
import pathlib

from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Response

from portal_common.errors import NotFound

from gateway.errors import error_response
from gateway.http import JsonWebServer

WEB_ROOT = pathlib.Path(__file__).resolve().parent.parent / "web"
ASSETS = WEB_ROOT / "assets"
INDEX = WEB_ROOT / "index.html"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}

# No outside host, no inline script or style. Images: our own, the QR code as a data: URL, and the
# logo as a blob: URL (it is fetched with the bearer token, which an <img src> cannot send).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # A small app without a build step (no hashed file names): the browser keeps each file but asks
    # again every time, and an unchanged file costs a 304.
    "Cache-Control": "no-cache",
}


class StaticFile:
    def __init__(self, path):
        self.data = path.read_bytes()
        self.content_type = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        self.etag = hashlib.sha256(self.data).hexdigest()[:32]

    def response(self, request):
        if self.etag in request.if_none_match:
            response = Response(status=304)
        else:
            response = Response(self.data, status=200, content_type=self.content_type)
        response.set_etag(self.etag)
        response.headers.update(HEADERS)
        return response


def load_assets(folder=ASSETS):
    """Every servable file under `folder`, by its name relative to it (with `/`)."""
    return {
        path.relative_to(folder).as_posix(): StaticFile(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix in CONTENT_TYPES
    }


class StaticEntrypoint(HttpRequestHandler):
    """A GET route of the web portal, on the same server as the API (answers 404 in its JSON)."""

    server = JsonWebServer()

    def __init__(self, url, **kwargs):
        super().__init__("GET", url, **kwargs)

    def response_from_exception(self, exc):
        return error_response(exc)


page = StaticEntrypoint.decorator


class WebRoutes:
    """The portal's pages (one HTML page; the rest are modules and styles it loads)."""

    web_index = StaticFile(INDEX)
    web_assets = load_assets()

    @page("/")
    def portal_index(self, request):
        return self.web_index.response(request)

    @page("/assets/<path:name>")
    def portal_asset(self, request, name):
        asset = self.web_assets.get(name)
        if asset is None:  # answered, not raised: a mistyped file name is no error of ours to log
            return error_response(NotFound("No such file."))
        return asset.response(request)
