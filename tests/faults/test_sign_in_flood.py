"""A flood of sign-ins for unknown emails slows nobody's real sign-in.

Every sign-in costs a 64 MiB argon2id hash, for a known email or not: 16 clients flooding unknown
emails made a real sign-in take 2.5 s. Now the gateway takes only so many sign-ins from one address
(the forwarded one, behind a trusted proxy), and identity hashes only as many at once as half its
cores: the flood is answered 429, and the real sign-in as usual.
"""

import threading
import time
import uuid

import pytest

from tests.flows import PASSWORD, sign_up
from tests.harness import system_of_its_own

pytestmark = pytest.mark.alone  # its timings would be spoilt by another process beside it

FLOODERS = 16
PER_ADDRESS_PER_MINUTE = 10
REAL_SIGN_IN_SECONDS = 1.5


@pytest.fixture(scope="module")
def system(request, tmp_path_factory):
    with system_of_its_own(
        request,
        tmp_path_factory.mktemp("data"),
        TRUSTED_PROXIES="127.0.0.1",
        SIGN_IN_PER_ADDRESS_PER_MINUTE=PER_ADDRESS_PER_MINUTE,
        PASSWORD_HASHING="rfc9106",  # the flood is of real hashes
    ) as system:
        yield system


def test_a_flood_of_sign_ins_for_unknown_emails_is_refused_and_slows_no_real_one(system, clock):
    owner = sign_up(system)
    statuses, stop = [], threading.Event()

    def flood():
        client = system.client()
        while not stop.is_set():
            answer = client.post(
                "/v1/sessions",
                headers={"X-Forwarded-For": "198.51.100.66"},
                json={"email": f"nobody-{uuid.uuid4().hex}@example.com", "password": PASSWORD},
            )
            statuses.append(answer.status_code)

    flooders = [threading.Thread(target=flood) for _ in range(FLOODERS)]
    for thread in flooders:
        thread.start()
    try:
        time.sleep(1)  # the flood is on
        started = time.monotonic()
        real = system.client().post(
            "/v1/sessions",
            headers={"X-Forwarded-For": "203.0.113.10"},
            json={"email": owner.email, "password": PASSWORD},
        )
        took = time.monotonic() - started
    finally:
        stop.set()
        for thread in flooders:
            thread.join(30)
    assert real.status_code == 201, real.text
    assert took < REAL_SIGN_IN_SECONDS, took
    assert set(statuses) == {401, 429}, set(statuses)
    assert statuses.count(401) <= PER_ADDRESS_PER_MINUTE + 1  # hashed: the address's share, no more
    refused = system.client().post(
        "/v1/sessions", headers={"X-Forwarded-For": "198.51.100.66"}, json={"email": owner.email, "password": PASSWORD}
    )
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
