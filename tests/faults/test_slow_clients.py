"""Slow clients cost nobody else anything (real sockets against a running gateway).

Before, the gateway read a request's body in one of its workers, with no deadline: 55 connections
that sent `Content-Length: 100` and part of the body stopped every answer, `/livez` included. Here
200 connections never finish their body or their headers, while `/livez`, a signed-in read and a
sign-in are answered as usual; each unfinished request is answered 408 or closed at its deadline
(short here: 2 s, for the test's sake); past the bound on open connections, a new one is answered
503 at once; a client that leaves mid-body leaves no error in the log.
"""

import json
import logging
import socket
import time

import pytest

from tests.flows import PASSWORD, sign_up
from tests.harness import system_of_its_own

pytestmark = pytest.mark.alone  # its timings would be spoilt by another process beside it

DEADLINE_SECONDS = 2
MOST_CONNECTIONS = 260
SLOW = 200
ANSWERED_WITHIN_SECONDS = 2


@pytest.fixture(scope="module")
def system(request, tmp_path_factory):
    with system_of_its_own(
        request,
        tmp_path_factory.mktemp("data"),
        REQUEST_HEADERS_SECONDS=DEADLINE_SECONDS,
        REQUEST_BODY_SECONDS=DEADLINE_SECONDS,
        GATEWAY_MAX_CONNECTIONS=MOST_CONNECTIONS,
    ) as system:
        yield system


def connected(system):
    sock = socket.create_connection(("127.0.0.1", system.port), timeout=10)
    sock.settimeout(10)
    return sock


def half_a_body(system):
    sock = connected(system)
    sock.sendall(
        b"POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100\r\n\r\n{"email": "'
    )
    return sock


def half_the_headers(system):
    sock = connected(system)
    sock.sendall(b"GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bear")
    return sock


def answer_of(sock):
    """What the server wrote before it closed the connection."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_two_hundred_unfinished_requests_slow_nobody_and_end_at_their_deadline(system, clock):
    owner = sign_up(system)
    slow = [half_a_body(system) if n % 2 else half_the_headers(system) for n in range(SLOW)]
    opened = time.monotonic()
    try:
        for ask, status in (
            (lambda: system.client().get("/livez"), 200),
            (lambda: owner.client.get("/v1/me"), 200),
            (lambda: system.client().post("/v1/sessions", json={"email": owner.email, "password": PASSWORD}), 201),
        ):
            response, seconds = timed(ask)
            assert response.status_code == status, response.text
            assert seconds < ANSWERED_WITHIN_SECONDS, seconds

        for n, sock in enumerate(slow):
            answer = answer_of(sock)  # blocks until the server closes it
            if n % 2:  # half a body: 408 in the contract's JSON
                head, _, body = answer.partition(b"\r\n\r\n")
                assert head.startswith(b"HTTP/1.1 408"), answer[:200]
                assert json.loads(body)["error"]["code"] == "request_timeout"
            else:  # half the headers: 408, or closed
                assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert time.monotonic() - opened < 2 * DEADLINE_SECONDS + 2
    finally:
        for sock in slow:
            sock.close()


def test_past_the_bound_on_open_connections_a_new_one_is_answered_503_at_once(system):
    idle = [connected(system) for _ in range(MOST_CONNECTIONS - 10)]  # the test's own clients hold a few
    time.sleep(0.2)  # the gateway takes them (they are closed at the deadline, 2 s from now)
    try:
        for _ in range(15):
            sock = connected(system)
            idle.append(sock)
            sock.settimeout(0.1)
            try:
                first = sock.recv(65536)
            except socket.timeout:
                continue  # taken: it waits for its request (and is closed at the deadline)
            assert first.startswith(b"HTTP/1.1 503"), first[:200]
            assert b"Retry-After: 1" in first and b'"service_unavailable"' in first
            break
        else:
            pytest.fail("no connection was refused")
    finally:
        for sock in idle:
            sock.close()
    time.sleep(0.2)
    assert system.client().get("/livez").status_code == 200


def test_a_client_that_leaves_mid_body_leaves_no_error_behind(system, caplog):
    caplog.set_level(logging.INFO)
    sock = half_a_body(system)
    sock.close()
    time.sleep(0.3)
    assert system.client().get("/livez").status_code == 200
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR], caplog.text
