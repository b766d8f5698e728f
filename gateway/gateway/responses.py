import json

from werkzeug.wrappers import Response

SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def json_response(status, body, headers=None):
    payload = "" if body is None else json.dumps(body, separators=(",", ":"))
    response = Response(payload, status=status, mimetype="application/json" if body is not None else None)
    response.headers.update(SECURITY_HEADERS)
    if headers:
        response.headers.update(headers)
    return response


def no_content():
    response = json_response(204, None)
    del response.headers["Content-Type"]
    return response
