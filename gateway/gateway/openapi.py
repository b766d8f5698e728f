"""`/openapi.json`, generated from the routes and the very schemas that validate their bodies."""

import functools
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from portal_common.schemas.common import ErrorResponse

from gateway.http import ApiEntrypoint, OptionalKey

TITLE = "Partner Portal"
VERSION = "1.1.0"  # the contract with its "Version 1.1 additions"

BINARY = {"type": "string", "format": "binary"}
CSV_ANSWER = (
    "OK. With `Accept: text/csv`: every item of the filtered list (`limit` and `cursor` do not apply) as "
    "`text/csv; charset=utf-8`, RFC 4180, a header row of the item's fields (nested objects as `parent.field`, "
    "arrays as JSON text), a text cell beginning with =, +, -, @, a tab or a carriage return written behind a `'`. "
    "Streamed: should a later page fail, the body ends without its last chunk (a cut connection)."
)
ETAG = {
    "description": "The JSON answer's version (not CSV's): send it back in If-None-Match for a 304 while it holds.",
    "schema": {"type": "string"},
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "An ETag this route answered with JSON: 304 with no body while the answer is the same.",
    "schema": {"type": "string"},
}
NOT_MODIFIED = "Not modified: the answer is still the one of the ETag sent in If-None-Match."
CSV_DISPOSITION = {
    "description": 'With CSV: `attachment; filename="<list>-<YYYY-MM-DD>.csv"`.',
    "schema": {"type": "string"},
}
ERROR_TEXT = {
    400: "validation_error: malformed JSON, wrong types, missing or unknown fields",
    401: "unauthenticated, invalid_credentials or invalid_code",
    403: "forbidden: the role lacks the permission",
    404: "not_found: no such resource for this partner",
    405: "method_not_allowed",
    409: "conflict, or a more specific code",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited: see Retry-After",
    503: "service_unavailable: a backing service did not answer in time",
}


def routes(service_cls):
    """Every `@api` entrypoint of the JSON API (not those behind a setting), with its method name."""
    for name in sorted(dir(service_cls)):
        for entrypoint in getattr(getattr(service_cls, name), "nameko_entrypoints", ()):
            if isinstance(entrypoint, ApiEntrypoint) and entrypoint.enabled_by is None:
                yield name, entrypoint


def openapi_path(url):
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", url)


def _operation(name, entrypoint):
    operation = {"operationId": name, "summary": entrypoint.summary, "responses": {}}
    if entrypoint.tag:
        operation["tags"] = [entrypoint.tag]
    if entrypoint.agent:
        operation["security"] = [{"agent": []}]
        operation["description"] = "Authorization: Agent <agent_key> (the key shown when the computer was added)."
    if entrypoint.permission is not None:
        operation["security"] = [{"bearer": []}]
        operation["description"] = f"Requires the `{entrypoint.permission}` permission."
    parameters = [
        {"in": "path", "name": param, "required": True, "schema": {"type": "string"}}
        for param in re.findall(r"{([^}]+)}", openapi_path(entrypoint.url))
    ]
    if entrypoint.idempotent:
        optional = isinstance(entrypoint.idempotent, OptionalKey)
        if optional:
            what = f"optional: {entrypoint.idempotent.does}"
        else:
            what = "the same key and body replay the first answer"
            what += "" if entrypoint.idempotent is True else f" (required {entrypoint.idempotent})"
        parameters.append(
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": entrypoint.idempotent is True,
                "description": f"1–255 printable characters; {what}.",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            }
        )
    if entrypoint.query is not None:
        parameters.append({"in": "query", "schema": entrypoint.query})
    if parameters:
        operation["parameters"] = parameters
    if entrypoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": entrypoint.body}},
        }
    if entrypoint.raw_body:
        operation["requestBody"] = {
            "required": True,
            "content": {kind: {"schema": BINARY} for kind in entrypoint.raw_body},
        }
    for status, schema in entrypoint.responses.items():
        answer = {"description": "OK" if status < 300 else ERROR_TEXT.get(status, "")}
        if schema is not None:
            answer["content"] = {"application/json": {"schema": schema}}
        if status == 200 and entrypoint.raw_response:
            answer["content"] = {kind: {"schema": BINARY} for kind in entrypoint.raw_response}
        if status == 200 and entrypoint.csv:
            answer["description"] = CSV_ANSWER
            answer["content"]["text/csv"] = {"schema": {"type": "string"}}
            answer["headers"] = {"Content-Disposition": CSV_DISPOSITION}
        operation["responses"][str(status)] = answer
    if entrypoint.kept:
        operation.setdefault("parameters", []).append(IF_NONE_MATCH)
        operation["responses"]["200"].setdefault("headers", {})["ETag"] = ETAG
        operation["responses"]["304"] = {"description": NOT_MODIFIED, "headers": {"ETag": ETAG}}
    errors = set(entrypoint.errors)
    if entrypoint.tag != "operations":  # every call that crosses the bus may time out
        errors.add(503)
    for status in sorted(errors):
        operation["responses"].setdefault(
            str(status),
            {
                "description": ERROR_TEXT[status],
                "content": {"application/json": {"schema": "ErrorResponse"}},
            },
        )
    if "429" in operation["responses"]:
        operation["responses"]["429"]["headers"] = {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
        }
    return operation


def _open_answers(document):
    """Answers may grow new fields (the contract says so): only request bodies refuse unknown ones."""
    schemas = document["components"]["schemas"]
    closed, todo = set(), []
    for operations in document["paths"].values():
        for operation in operations.values():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                todo.append(content["schema"])
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref and ref.rsplit("/", 1)[1] not in closed:
                closed.add(ref.rsplit("/", 1)[1])
                todo.append(schemas[ref.rsplit("/", 1)[1]])
            todo.extend(value for value in node.values() if isinstance(value, (dict, list)))
        elif isinstance(node, list):
            todo.extend(node)
    for name, schema in schemas.items():
        if name not in closed:
            schema.pop("additionalProperties", None)
    return document


@functools.lru_cache(maxsize=1)
def openapi_document():
    from gateway.service import GatewayService

    spec = APISpec(title=TITLE, version=VERSION, openapi_version="3.0.3", plugins=[MarshmallowPlugin()])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme(
        "agent",
        {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Agent <agent_key>",
        },
    )
    spec.components.schema("ErrorResponse", schema=ErrorResponse)
    paths = {}
    for name, entrypoint in routes(GatewayService):
        operations = paths.setdefault(openapi_path(entrypoint.url), {})
        for method in entrypoint.method.split(","):
            operations[method.lower()] = _operation(name, entrypoint)
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    return _open_answers(spec.to_dict())
