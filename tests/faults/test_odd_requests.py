"""Bad input the fuzzer does not send: unknown routes and methods, bodies over their limits, wrong
types, malformed JSON, and requests the HTTP server itself cannot parse. Every answer is a clean
4xx in the contract's format (or the route's own answer), with the security headers, no server
banner and no stack trace."""

import json
import socket

import pytest

from tests.faults.answers import assert_safe_answer, owner_with_a_computer

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def owner(system):
    return owner_with_a_computer(system)


def _requests(owner):
    """(method, path, keyword arguments for requests, the status expected)."""
    bearer = {"Authorization": f"Bearer {owner.owner.token}"}
    agent = {"Authorization": f"Agent {owner.agent_key}"}
    json_type = {"Content-Type": "application/json"}
    nested = "[" * 30_000 + "]" * 30_000  # under the 64 KiB limit, far over any recursion limit
    return [
        ("GET", "/livez", {}, 200),
        ("GET", "/health", {}, 200),
        ("GET", "/openapi.json", {}, 200),
        ("HEAD", "/livez", {}, 200),
        ("GET", "/no/such/route", {}, 404),
        ("GET", "/v1/accounts/", {"headers": bearer}, 404),
        ("POST", "/livez", {}, 405),
        ("PUT", "/v1/me", {"headers": bearer}, 405),
        ("OPTIONS", "/v1/me", {"headers": bearer}, 405),
        ("GET", "/v1/me", {}, 401),
        ("GET", "/v1/me", {"headers": {"Authorization": "Bearer not-a-token"}}, 401),
        ("GET", "/v1/me", {"headers": {"Authorization": "Basic dXNlcjpwYXNz"}}, 401),
        ("GET", "/v1/me", {"headers": bearer}, 200),
        ("GET", "/v1/accounts/%00", {"headers": bearer}, 404),
        ("GET", "/v1/accounts?q=%00", {"headers": bearer}, 400),
        ("GET", "/v1/accounts?limit=0", {"headers": bearer}, 400),
        ("GET", "/v1/accounts?limit=abc", {"headers": bearer}, 400),
        ("GET", "/v1/accounts?cursor=%FF%FE", {"headers": bearer}, 400),
        ("GET", "/v1/accounts/" + "x" * 5000, {"headers": bearer}, 404),
        ("POST", "/v1/signup", {"data": b"x" * (65 * 1024), "headers": json_type}, 413),
        ("POST", "/v1/signup", {"data": iter([b"{" + b" " * 1024] * 70), "headers": json_type}, 413),
        (
            "PUT",
            "/v1/company/logo",
            {"data": b"\x89PNG" + b"0" * (MIB + 10), "headers": {**bearer, "Content-Type": "image/png"}},
            413,
        ),
        ("PUT", "/v1/company/logo", {"data": b"not an image", "headers": {**bearer, "Content-Type": "image/png"}}, 415),
        ("PUT", "/v1/company/logo", {"data": b"GIF89a", "headers": {**bearer, "Content-Type": "text/plain"}}, 415),
        ("POST", "/v1/signup", {"data": b"{}", "headers": {"Content-Type": "text/plain"}}, 415),
        ("POST", "/v1/signup", {"data": b"{not json", "headers": json_type}, 400),
        ("POST", "/v1/signup", {"data": b"\xff\xfe\x00", "headers": json_type}, 400),
        ("POST", "/v1/signup", {"data": nested.encode(), "headers": json_type}, 400),
        ("POST", "/v1/signup", {"data": b"[1, 2]", "headers": json_type}, 400),
        ("POST", "/v1/signup", {"json": {"company_name": None, "name": 1, "email": [], "password": {}}}, 400),
        (
            "POST",
            "/v1/signup",
            {"json": {"company_name": "\u0000", "name": "N", "email": "a@b.test", "password": "long enough password"}},
            400,
        ),
        ("POST", "/v1/sessions", {"json": {"email": "x" * 10_000 + "@a.test", "password": "p" * 10_000}}, 400),
        ("POST", "/v1/orders", {"json": {"items": []}, "headers": bearer}, 400),
        (
            "POST",
            "/v1/orders",
            {
                "json": {"items": [{"product": "safe", "plan": "basic", "term_years": 1, "quantity": 1}]},
                "headers": {**bearer, "Idempotency-Key": "\u00e9" * 300},
            },
            400,
        ),
        (
            "POST",
            "/v1/orders",
            {
                "json": {"items": [{"product": "safe", "plan": "basic", "term_years": 1, "quantity": 10**30}]},
                "headers": {**bearer, "Idempotency-Key": "k-1"},
            },
            400,
        ),
        ("POST", "/v1/agent/reports", {"json": {"status": "success"}, "headers": agent}, 400),
        ("POST", "/v1/agent/reports", {"json": {}, "headers": {"Authorization": "Agent unknown-key"}}, 401),
        ("POST", "/v1/agent/reports", {"json": {}, "headers": bearer}, 401),
        ("PATCH", "/v1/monitoring/settings", {"json": {"not_backing_up_after_hours": 1e308}, "headers": bearer}, 400),
        ("GET", "/v1/company/logo", {"headers": bearer}, 404),
    ]


def test_odd_http_requests_get_clean_answers(system, owner):
    client = system.client()
    seen = []
    for method, path, kwargs, status in _requests(owner):
        response = client.request(method, path, allow_redirects=False, **kwargs)
        assert response.status_code == status, (method, path[:80], response.status_code, response.text[:300])
        assert_safe_answer(response)
        if status >= 400:
            body = response.json() if method != "HEAD" else None
            if body is not None:
                assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
        seen.append((method, path[:40], status))
    assert len(seen) == len(_requests(owner))


def _raw(system, data):
    """Send raw bytes to the gateway; answer (status, headers, body) of what comes back."""
    with socket.create_connection(("127.0.0.1", system.port), timeout=10) as sock:
        sock.sendall(data)
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


RAW = [
    # What the HTTP server answers before any route sees the request.
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET /livez HTTP/9.9\r\nHost: x\r\n\r\n", 505),
    (b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET /livez HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", 400),
    (b"GET /livez HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % n for n in range(300)) + b"\r\n", 431),
    (b"POST /v1/signup HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400),
    (b"POST /v1/signup HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400),
    (b"POST /v1/signup HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    # RFC 9112 6.3: two different lengths are a request smuggler's, not a client's.
    (b"POST /v1/signup HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 12\r\n\r\n{}", 400),
]


@pytest.mark.parametrize("data, status", RAW, ids=[f"raw-{n}" for n in range(len(RAW))])
def test_requests_the_server_cannot_parse_get_the_contracts_error_and_the_security_headers(system, data, status):
    answered, headers, body = _raw(system, data)
    assert answered == status, (answered, headers, body[:200])
    assert headers.get("x-content-type-options") == "nosniff", headers
    assert "server" not in headers, headers
    assert b"Traceback" not in body and b"Python/" not in body, body[:300]
    assert headers.get("content-type") == "application/json", headers
    assert set(json.loads(body)["error"]) == {"code", "message", "details"}, body
