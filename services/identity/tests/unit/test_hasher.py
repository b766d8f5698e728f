"""Password hashing is bounded: at most so many at once, and a request that finds no slot within
`HASH_WAIT_SECONDS` is answered 429 rather than queued without end."""

import os
import time
import types

import argon2
import eventlet
import pytest

from portal_common.errors import RateLimited

from identity.dependencies import HASH_WAIT_SECONDS, Hasher, PasswordHasher

SLOW_HASH_SECONDS = HASH_WAIT_SECONDS + 0.5


class SlowArgon2:
    """A hash that takes longer than a request waits for a slot (the real one takes ~70 ms)."""

    def hash(self, password):
        time.sleep(0.01 if password == "not-a-password-of-anyone" else SLOW_HASH_SECONDS)
        return "hashed"

    def verify(self, password_hash, password):
        time.sleep(SLOW_HASH_SECONDS)
        return True


def test_past_the_bound_a_hash_waits_its_time_then_is_refused():
    hasher = Hasher(SlowArgon2(), at_once=1)
    pool = eventlet.GreenPool()
    started = time.monotonic()
    first = pool.spawn(hasher.verify, "h", "p")
    eventlet.sleep(0.05)
    with pytest.raises(RateLimited) as refused:
        hasher.verify("h", "p")
    assert HASH_WAIT_SECONDS <= time.monotonic() - started < SLOW_HASH_SECONDS
    assert refused.value.retry_after_seconds == 1
    assert first.wait() is True
    assert hasher.verify("h", "p") is True  # a slot again


@pytest.mark.parametrize(
    "config, memory_kib, passes",
    [({}, 64 * 1024, 3), ({"PASSWORD_HASHING": "rfc9106"}, 64 * 1024, 3), ({"PASSWORD_HASHING": "fast"}, 1024, 1)],
)
def test_passwords_are_hashed_with_rfc_9106s_parameters_unless_a_test_system_asks_for_cheap_ones(
    config, memory_kib, passes
):
    provider = PasswordHasher()
    provider.container = types.SimpleNamespace(config=config)
    provider.setup()

    parameters = argon2.extract_parameters(provider.hasher.hash("a password of someone"))
    assert (parameters.memory_cost, parameters.time_cost) == (memory_kib, passes)


def test_an_unknown_hashing_setting_stops_identity_from_starting():
    provider = PasswordHasher()
    provider.container = types.SimpleNamespace(config={"PASSWORD_HASHING": "none"})
    with pytest.raises(ValueError, match="PASSWORD_HASHING"):
        provider.setup()


@pytest.mark.parametrize("cores, at_once", [(None, 1), (1, 1), (2, 1), (3, 1), (4, 2), (16, 8)])
def test_by_default_hashes_at_once_take_half_the_machines_cores(monkeypatch, cores, at_once):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    provider = PasswordHasher()
    provider.container = types.SimpleNamespace(config={"PASSWORD_HASHING": "fast"})
    provider.setup()

    assert provider.hasher._slots.counter == at_once
    assert provider.hasher._argon2._blocks_kept == at_once  # a block kept for each


def test_an_operator_sets_the_hashes_at_once():
    provider = PasswordHasher()
    provider.container = types.SimpleNamespace(config={"PASSWORD_HASHING": "fast", "PASSWORD_HASHES_AT_ONCE": "3"})
    provider.setup()

    assert provider.hasher._slots.counter == 3
