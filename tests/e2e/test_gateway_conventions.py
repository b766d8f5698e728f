"""The contract's conventions as the gateway keeps them: operations routes, JSON errors for every
failure, body rules (JSON objects only, no unknown fields, 64 KiB, Content-Type), pagination, and
no stack trace or sniffable answer anywhere."""

import json
import re
import types

import pytest

from tests.flows import PASSWORD, assert_error, create_employee, sign_up, unique_email, walk

pytestmark = pytest.mark.e2e

KIB = 1024
JSON_LIMIT = 64 * KIB

# Every route the contract's Operations and Identity sections name, with its parameters as written there.
CONTRACT_ROUTES = [
    ("get", "/health"),
    ("get", "/livez"),
    ("get", "/openapi.json"),
    ("post", "/v1/signup"),
    ("post", "/v1/sessions"),
    ("post", "/v1/sessions/verify"),
    ("delete", "/v1/sessions/current"),
    ("get", "/v1/me"),
    ("post", "/v1/me/password"),
    ("post", "/v1/me/2fa/setup"),
    ("post", "/v1/me/2fa/confirm"),
    ("delete", "/v1/me/2fa"),
    ("get", "/v1/me/devices"),
    ("delete", "/v1/me/devices/{id}"),
    ("get", "/v1/employees"),
    ("post", "/v1/employees"),
    ("patch", "/v1/employees/{id}"),
    ("delete", "/v1/employees/{id}"),
]

# Routes that need a bearer token (each with a body that would otherwise be fine to parse).
AUTHENTICATED = [
    ("DELETE", "/v1/sessions/current"),
    ("GET", "/v1/me"),
    ("POST", "/v1/me/password"),
    ("POST", "/v1/me/2fa/setup"),
    ("POST", "/v1/me/2fa/confirm"),
    ("DELETE", "/v1/me/2fa"),
    ("GET", "/v1/me/devices"),
    ("DELETE", "/v1/me/devices/some-id"),
    ("GET", "/v1/employees"),
    ("POST", "/v1/employees"),
    ("GET", "/v1/employees/some-id"),
    ("PATCH", "/v1/employees/some-id"),
    ("DELETE", "/v1/employees/some-id"),
]

# Routes with a JSON body, each with a body that passes validation apart from what a test adds.
JSON_ROUTES = {
    "signup": (
        "POST",
        "/v1/signup",
        False,
        lambda: {"company_name": "Co", "name": "N", "email": unique_email(), "password": PASSWORD},
    ),
    "sessions": ("POST", "/v1/sessions", False, lambda: {"email": unique_email(), "password": PASSWORD}),
    "verify": ("POST", "/v1/sessions/verify", False, lambda: {"challenge": "abc", "code": "123456"}),
    "password": (
        "POST",
        "/v1/me/password",
        True,
        lambda: {"current_password": "wrong one!!", "new_password": PASSWORD},
    ),
    "2fa_confirm": ("POST", "/v1/me/2fa/confirm", True, lambda: {"code": "123456"}),
    "2fa_disable": ("DELETE", "/v1/me/2fa", True, lambda: {"password": PASSWORD, "code": "123456"}),
    "employees_create": (
        "POST",
        "/v1/employees",
        True,
        lambda: {"email": unique_email(), "name": "N", "role": "viewer", "password": PASSWORD},
    ),
    "employees_update": ("PATCH", "/v1/employees/{viewer}", True, lambda: {"role": "sales"}),
}
OPTIONAL_FIELDS = {"employees_create": {"password"}}  # without one, the employee is invited


@pytest.fixture(scope="module")
def partner(system):
    """A partner with its owner and four more employees (not signed in): seven people in all."""
    from portal_common.clock import utc_now

    system.clock.set(utc_now())
    owner = sign_up(system)
    people = [create_employee(owner, role, sign_in_now=False) for role in ("admin", "sales", "support", "viewer")]
    return types.SimpleNamespace(owner=owner, people=people, viewer=people[-1])


def route_client(system, partner, authenticated):
    return partner.owner.client if authenticated else system.client()


def route_path(path, partner):
    return path.replace("{viewer}", partner.viewer.id)


def assert_clean(response):
    """No stack trace, no server internals, and the nosniff header."""
    text = response.text
    for leak in ("Traceback", 'File "', "/site-packages/", "Exception", "sqlalchemy", "werkzeug"):
        assert leak not in text, (leak, text)
    assert response.headers.get("X-Content-Type-Options") == "nosniff", response.headers


# --- operations -------------------------------------------------------------------------------------------------


def test_livez_answers_from_the_gateway(client):
    response = client.get("/livez")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"status": "ok"}
    assert_clean(response)


def test_health_does_a_round_trip_to_identity(client):
    response = client.get("/health")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert body["services"]["identity"] == "ok"
    assert all(state == "ok" for state in body["services"].values()), body
    assert_clean(response)


def test_openapi_describes_every_route_of_the_contract(client):
    response = client.get("/openapi.json")

    assert response.status_code == 200, response.text
    document = response.json()
    assert str(document["openapi"]).startswith("3.")
    assert document["info"]["title"] and document["info"]["version"]

    def shape(path):
        return re.sub(r"{[^}]+}", "{}", path)

    served = {(method, shape(path)) for path, item in document["paths"].items() for method in item}
    missing = [(method, path) for method, path in CONTRACT_ROUTES if (method, shape(path)) not in served]
    assert not missing, missing


def test_openapi_describes_bodies_answers_and_errors(client):
    document = client.get("/openapi.json").json()
    signup = document["paths"]["/v1/signup"]["post"]

    schema = signup["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    assert {"company_name", "name", "email", "password"} <= set(schema["properties"])
    assert {"201", "400", "409"} <= set(signup["responses"])
    sign_in = document["paths"]["/v1/sessions"]["post"]
    assert {"201", "202", "401", "429"} <= set(sign_in["responses"])
    me = document["paths"]["/v1/me"]["get"]
    assert "401" in me["responses"] and me.get("security")


# --- unknown routes and methods -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/v1/nope"),
        ("GET", "/index.html"),  # `/` itself is the web portal (gateway.routes.web)
        ("GET", "/bench/rpc"),  # exists only with BENCH_ROUTES (make bench)
        ("POST", "/v1/sessions/nope"),
        ("GET", "/v2/me"),
        ("DELETE", "/v1/employees"),
        ("GET", "/v1/me/devices/x/y"),
    ],
)
def test_unknown_routes_are_json_404(client, method, path):
    response = client.request(method, path)

    if path == "/v1/employees":  # a known path with a method it does not take: 404 or 405, as JSON
        assert response.status_code in (404, 405)
        assert_error(
            response, response.status_code, "not_found" if response.status_code == 404 else "method_not_allowed"
        )
    else:
        assert_error(response, 404, "not_found")
    assert_clean(response)


@pytest.mark.parametrize("method, path", [("PUT", "/v1/me"), ("GET", "/v1/signup"), ("POST", "/livez")])
def test_a_known_route_with_another_method_answers_json(client, method, path):
    response = client.request(method, path)

    assert response.status_code in (404, 405), response.text
    error = response.json()["error"]
    assert_error(response, response.status_code, error["code"])
    assert_clean(response)


# --- authentication -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method, path", AUTHENTICATED)
def test_every_authenticated_route_refuses_a_missing_token(client, method, path):
    response = client.request(method, path, json={} if method in ("POST", "PATCH") else None)

    assert_error(response, 401, "unauthenticated")
    assert_clean(response)


@pytest.mark.parametrize("method, path", AUTHENTICATED)
def test_every_authenticated_route_refuses_an_unknown_token(system, method, path):
    response = system.client("not-a-real-token").request(method, path)

    assert_error(response, 401, "unauthenticated")


# --- bodies ---------------------------------------------------------------------------------------------------------


def send(system, partner, name, data=None, headers=None, **kwargs):
    method, path, authenticated, _ = JSON_ROUTES[name]
    client = route_client(system, partner, authenticated)
    return client.request(method, route_path(path, partner), data=data, headers=headers, **kwargs)


MALFORMED = [
    b"{",
    b"{'email': 'single quotes'}",
    b'{"email": "a@example.com",}',
    b"not json at all",
    b'{"email": "\xff\xfe"}',
    b"\xef\xbb\xbf\x00\x01",
    b'{"a": NaN',
]


@pytest.mark.parametrize("name", sorted(JSON_ROUTES))
def test_malformed_json_is_a_400(system, partner, name):
    for data in MALFORMED:
        response = send(system, partner, name, data=data, headers={"Content-Type": "application/json"})
        error = assert_error(response, 400, "validation_error")
        assert error["details"], (data, error)
        assert_clean(response)


@pytest.mark.parametrize("data", [b"[]", b'[{"email": "a@example.com"}]', b'"text"', b"42", b"null", b"true"])
def test_json_that_is_not_an_object_is_a_400(system, partner, data):
    for name in ("signup", "sessions", "employees_create"):
        response = send(system, partner, name, data=data, headers={"Content-Type": "application/json"})
        error = assert_error(response, 400, "validation_error")
        assert error["details"], error


def test_deeply_nested_json_is_a_400_not_a_crash(system, partner):
    depth = 20000
    data = ('{"email": ' + "[" * depth + "]" * depth + "}").encode()
    assert len(data) < JSON_LIMIT

    response = send(system, partner, "sessions", data=data, headers={"Content-Type": "application/json"})

    assert_error(response, 400, "validation_error")
    assert_clean(response)


@pytest.mark.parametrize("name", sorted(JSON_ROUTES))
def test_unknown_fields_are_a_400_naming_them(system, partner, name):
    body = {**JSON_ROUTES[name][3](), "surprise_field": 1}

    response = send(system, partner, name, json=body)

    error = assert_error(response, 400, "validation_error")
    assert "surprise_field" in error["details"], error
    assert isinstance(error["details"]["surprise_field"], list) and error["details"]["surprise_field"]


@pytest.mark.parametrize("name", sorted(set(JSON_ROUTES) - {"employees_update"}))
def test_missing_fields_are_a_400_naming_them(system, partner, name):
    required = set(JSON_ROUTES[name][3]()) - OPTIONAL_FIELDS.get(name, set())

    response = send(system, partner, name, json={})

    error = assert_error(response, 400, "validation_error")
    assert required <= set(error["details"]), error
    for messages in error["details"].values():
        assert isinstance(messages, list) and all(isinstance(message, str) for message in messages)


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "text/html; charset=utf-8",
        "application/xml",
        "multipart/form-data; boundary=xyz",
    ],
)
@pytest.mark.parametrize("name", ["signup", "sessions", "employees_create", "password"])
def test_a_body_that_is_not_declared_json_is_a_415(system, partner, name, content_type):
    body = json.dumps(JSON_ROUTES[name][3]()).encode()

    response = send(system, partner, name, data=body, headers={"Content-Type": content_type})

    assert_error(response, 415, "unsupported_media_type")
    assert_clean(response)


def test_a_form_post_is_a_415(system):
    response = system.client().post("/v1/sessions", data={"email": "a@example.com", "password": PASSWORD})

    assert_error(response, 415, "unsupported_media_type")


def test_json_with_a_charset_is_json(system):
    body = json.dumps({"email": unique_email(), "password": PASSWORD}).encode()

    response = system.client().post(
        "/v1/sessions", data=body, headers={"Content-Type": "application/json; charset=utf-8"}
    )

    assert_error(response, 401, "invalid_credentials")  # parsed and checked, not refused as a type


def padded_signup(size):
    """A signup body of exactly `size` bytes (its name far too long, so it is never created)."""
    body = {"company_name": "Co", "name": "", "email": unique_email(), "password": PASSWORD}
    overhead = len(json.dumps(body).encode())
    body["name"] = "n" * (size - overhead)
    data = json.dumps(body).encode()
    assert len(data) == size
    return data


@pytest.mark.parametrize("size", [JSON_LIMIT + 1, 2 * JSON_LIMIT, 1024 * KIB])
def test_a_body_over_64_kib_is_a_413(system, size):
    response = system.client().post(
        "/v1/signup", data=padded_signup(size), headers={"Content-Type": "application/json"}
    )

    assert_error(response, 413, "payload_too_large")
    assert_clean(response)


def test_a_body_of_exactly_64_kib_is_read(system):
    response = system.client().post(
        "/v1/signup", data=padded_signup(JSON_LIMIT), headers={"Content-Type": "application/json"}
    )

    error = assert_error(response, 400, "validation_error")
    assert "name" in error["details"]


def test_a_chunked_body_over_64_kib_is_a_413(system):
    data = padded_signup(JSON_LIMIT + 4 * KIB)

    def chunks():
        for start in range(0, len(data), 8 * KIB):
            yield data[start : start + 8 * KIB]

    response = system.client().post("/v1/signup", data=chunks(), headers={"Content-Type": "application/json"})

    assert_error(response, 413, "payload_too_large")


def test_a_small_chunked_body_is_read_not_dropped(system):
    data = json.dumps({"email": unique_email(), "password": PASSWORD}).encode()

    def chunks():
        yield data[:10]
        yield data[10:]

    response = system.client().post("/v1/sessions", data=chunks(), headers={"Content-Type": "application/json"})

    assert_error(response, 401, "invalid_credentials")  # parsed and checked, not taken as an empty body


def test_a_large_body_is_refused_on_an_authenticated_route_too(system, partner):
    body = {"email": unique_email(), "name": "x" * (JSON_LIMIT + 1), "role": "viewer", "password": PASSWORD}

    response = partner.owner.client.post("/v1/employees", json=body)

    assert_error(response, 413, "payload_too_large")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": ["a@example.com"], "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": {"value": PASSWORD}}, "password"),
        ({"email": None, "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": True}, "password"),
    ],
)
def test_wrong_types_are_a_400_naming_the_field(client, body, field):
    error = assert_error(client.post("/v1/sessions", json=body), 400, "validation_error")
    assert field in error["details"], error


# --- pagination -----------------------------------------------------------------------------------------------------


def test_the_employee_list_walks_by_cursor(partner):
    client = partner.owner.client
    everyone = client.get("/v1/employees", params={"limit": 200}).json()
    assert everyone["next_cursor"] is None
    all_ids = [item["id"] for item in everyone["items"]]
    assert len(all_ids) == 5 and len(set(all_ids)) == 5

    for limit in (1, 2, 4, 5):
        items, pages = walk(client, "/v1/employees", limit)
        ids = [item["id"] for item in items]
        assert ids == all_ids, (limit, ids)  # every employee once, in one stable order
        assert -(-5 // limit) <= pages <= -(-5 // limit) + 1, (limit, pages)

    first = client.get("/v1/employees", params={"limit": 5}).json()
    assert (
        first["next_cursor"] is None
        or client.get("/v1/employees", params={"limit": 5, "cursor": first["next_cursor"]}).json()["items"] == []
    )


def test_the_default_page_is_50(system, partner):
    body = partner.owner.client.get("/v1/employees").json()
    assert len(body["items"]) == 5 and body["next_cursor"] is None


@pytest.mark.parametrize("limit", ["0", "-1", "201", "1000", "ten", "1.5", "", "99999999999999999999999"])
def test_a_limit_outside_1_to_200_is_a_400(partner, limit):
    for path in ("/v1/employees", "/v1/me/devices"):
        response = partner.owner.client.get(f"{path}?limit={limit}")
        error = assert_error(response, 400, "validation_error")
        assert "limit" in error["details"], error
        assert_clean(response)


@pytest.mark.parametrize("limit", [1, 200])
def test_limits_of_1_and_200_are_fine(partner, limit):
    response = partner.owner.client.get("/v1/employees", params={"limit": limit})

    assert response.status_code == 200, response.text
    assert len(response.json()["items"]) == min(limit, 5)


@pytest.mark.parametrize("cursor", ["garbage!!", "bm90LWEtY3Vyc29y", "%%%", "a" * 300, "YWZ0ZXI6"])
def test_a_cursor_this_api_did_not_give_is_a_400(partner, cursor):
    for path in ("/v1/employees", "/v1/me/devices"):
        response = partner.owner.client.get(path, params={"cursor": cursor})
        error = assert_error(response, 400, "validation_error")
        assert "cursor" in error["details"], error
        assert_clean(response)


def test_another_partners_cursor_shows_nothing_of_theirs(system, partner):
    page = partner.owner.client.get("/v1/employees", params={"limit": 1}).json()
    stranger = sign_up(system)

    response = stranger.client.get("/v1/employees", params={"limit": 200, "cursor": page["next_cursor"]})

    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        ids = {item["id"] for item in response.json()["items"]}
        assert ids <= {stranger.id}


# --- headers on every answer -----------------------------------------------------------------------------------------


def test_nosniff_on_answers_of_every_kind(system, partner):
    client = system.client()
    owner = partner.owner.client
    answers = [
        client.get("/livez"),
        client.get("/health"),
        client.get("/openapi.json"),
        client.get("/v1/nope"),
        client.get("/v1/me"),
        client.post("/v1/sessions", data=b"{", headers={"Content-Type": "application/json"}),
        client.post("/v1/sessions", data=b"{}", headers={"Content-Type": "text/plain"}),
        client.post("/v1/signup", data=padded_signup(JSON_LIMIT + 1), headers={"Content-Type": "application/json"}),
        owner.get("/v1/me"),
        owner.get("/v1/employees"),
        owner.get("/v1/employees/nobody"),
    ]
    for response in answers:
        assert response.headers.get("X-Content-Type-Options") == "nosniff", (response.request.url, response.headers)
        if response.content:
            assert response.headers["Content-Type"].startswith("application/json"), response.headers

    token_client = system.client(
        partner.owner.client.post(
            "/v1/sessions",
            json={
                "email": partner.owner.email,
                "password": partner.owner.password,
            },
        ).json()["token"]
    )
    signed_out = token_client.delete("/v1/sessions/current")
    assert signed_out.status_code == 204
    assert signed_out.headers.get("X-Content-Type-Options") == "nosniff"


def test_odd_inputs_never_leak_a_stack_trace(system, partner):
    client = system.client()
    owner = partner.owner.client
    answers = [
        client.post("/v1/sessions", json={"email": "\x00", "password": "\x00" * 20}),
        client.post("/v1/sessions", json={"email": "a" * 5000 + "@example.com", "password": PASSWORD}),
        client.post("/v1/sessions", json={"email": "a@example.com", "password": "p" * 5000}),
        client.post("/v1/sessions/verify", json={"challenge": "x" * 5000, "code": "1" * 5000}),
        client.post(
            "/v1/signup", json={"company_name": "😀" * 300, "name": "n", "email": "e@example.com", "password": PASSWORD}
        ),
        client.get("/v1/me", headers={"Authorization": "Bearer " + "x" * 5000}),
        client.get("/v1/me", headers={"Authorization": "Bearer \tabc"}),
        owner.get("/v1/employees/" + "x" * 3000),
        owner.get("/v1/employees/%00"),
        owner.get("/v1/employees", params={"limit": "1e3"}),
        owner.patch("/v1/employees/" + partner.viewer.id, json={"role": {"nested": ["x"]}}),
        owner.post("/v1/employees", data=b'{"email": 1e999}', headers={"Content-Type": "application/json"}),
        owner.post("/v1/me/2fa/confirm", json={"code": "\u0661\u0662\u0663\u0664\u0665\u0666"}),
    ]
    for response in answers:
        assert 400 <= response.status_code < 500, (response.request.url, response.status_code, response.text)
        assert_error(response, response.status_code, response.json()["error"]["code"])
        assert_clean(response)
