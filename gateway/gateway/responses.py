import json

from werkzeug.wrappers import Response

# An API answer is data, never a page: nothing in it may load or run, no page may frame it, and no
# cache keeps it (it carries a caller's data).
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": API_CONTENT_SECURITY_POLICY,
}


def compact_json(body):
    return json.dumps(body, separators=(",", ":"))


def json_response(status, body, headers=None):
    return json_text_response(status, None if body is None else compact_json(body), headers)


def json_text_response(status, text, headers=None):
    """A body already encoded as JSON (a service's answer kept ready as text), sent as it is."""
    response = Response(text or "", status=status, mimetype="application/json" if text is not None else None)
    response.headers.update(SECURITY_HEADERS)
    if headers:
        response.headers.update(headers)
    return response


def kept_json_response(request, body, etag):
    """A JSON text with its ETag; 304 with no body to a client whose If-None-Match holds it. Still
    `no-store`: a client that wants the 304 keeps the body itself, no shared or disk cache does."""
    if request.if_none_match.contains_weak(etag.strip('"')):
        response = Response(status=304)
        response.headers.update(SECURITY_HEADERS)
        response.headers["ETag"] = etag
        return response
    return json_text_response(200, body, {"ETag": etag})


def no_content():
    response = json_response(204, None)
    del response.headers["Content-Type"]
    return response
