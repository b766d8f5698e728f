"""Identity's own dependency providers."""

import logging
import os

import eventlet.tpool
from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet.semaphore import Semaphore
from nameko.extensions import DependencyProvider

from portal_common.errors import RateLimited

from identity.adapters import sealed
from identity.adapters.kept_memory_argon2 import KeptMemoryArgon2

log = logging.getLogger(__name__)

# A real hash of a password nobody has: verifying against it costs what a real check costs, so an
# unknown email is not told apart by timing.
_BURN_PASSWORD = "not-a-password-of-anyone"


# argon2id with RFC 9106's second recommended parameters (its first asks 2 GiB a hash): 3 passes
# over 64 MiB in 4 lanes, ~80 ms of CPU here (a check with libargon2 built with AVX2 by
# scripts/build-argon2.sh; ~130 ms with PyPI's wheel, ~200 ms when its memory is not kept either, see
# `adapters.kept_memory_argon2`). Memory-hard: a guessing rig pays 64 MiB a guess.
ARGON2_TIME_COST = 3
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_PARALLELISM = 4
# Hashes at once: by default half the machine's cores (at least one), each hash on one core
# (`CHECK_THREADS`), so a flood of sign-ins leaves the other half to everything else; a request waits
# this long for one, then is 429.
# Two seconds: on a machine busy with everything else a hash took up to a second before identity ran
# at a CPU weight of its own (scripts/run.py), and three people signing in at once on two cores, one
# hash at a time, must not see a 429 (the mixed workload of `make bench` did at 1 s).
HASH_WAIT_SECONDS = 2.0
HASHES_CONFIG_KEY = "PASSWORD_HASHES_AT_ONCE"
# The test harness signs up thousands of employees on throw-away systems: there, and never in a
# deployment, `PASSWORD_HASHING: fast` hashes with one pass over 1 MiB (identity warns when it starts).
HASHING_CONFIG_KEY = "PASSWORD_HASHING"
HASHING_COSTS = {
    "rfc9106": {"time_cost": ARGON2_TIME_COST, "memory_cost": ARGON2_MEMORY_KIB, "parallelism": ARGON2_PARALLELISM},
    "fast": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
}


class Hasher:
    """argon2id, run in eventlet's thread pool (a hash is ~80 ms of C that would otherwise stall
    every greenthread of the process), at most `at_once` at a time: past that, a request waits up
    to `HASH_WAIT_SECONDS`, then is answered 429, rather than queued without end. Known and unknown
    emails take the same way (`burn`), so neither the answer nor its time tells them apart."""

    def __init__(self, argon2, at_once):
        self._argon2 = argon2
        self._slots = Semaphore(at_once)
        self._burn_hash = argon2.hash(_BURN_PASSWORD)

    def hash(self, password):
        return self._in_a_slot(self._argon2.hash, password)

    def verify(self, password_hash, password):
        try:
            return self._in_a_slot(self._argon2.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def burn(self, password):
        self.verify(self._burn_hash, password)

    def _in_a_slot(self, work, *args):
        if not self._slots.acquire(timeout=HASH_WAIT_SECONDS):
            raise RateLimited.retry_after(1, "Too many sign-ins at the moment: try again shortly.")
        try:
            return eventlet.tpool.execute(work, *args)
        finally:
            self._slots.release()


def default_hashes_at_once(cores):
    return max(1, (cores or 1) // 2)


class PasswordHasher(DependencyProvider):
    def setup(self):
        at_once = int(self.container.config.get(HASHES_CONFIG_KEY) or default_hashes_at_once(os.cpu_count()))
        hashing = self.container.config.get(HASHING_CONFIG_KEY) or "rfc9106"
        if hashing not in HASHING_COSTS:
            raise ValueError(f"{HASHING_CONFIG_KEY} is one of {sorted(HASHING_COSTS)}, not {hashing!r}")
        if hashing != "rfc9106":
            log.warning("passwords hashed with the %r argon2 parameters: for tests only", hashing)
        self.hasher = Hasher(KeptMemoryArgon2(Argon2(**HASHING_COSTS[hashing]), blocks_kept=at_once), at_once)

    def get_dependency(self, worker_ctx):
        return self.hasher


class SeedKeys(DependencyProvider):
    """The keys that seal second-factor seeds (`adapters.sealed`), read at start-up: without them
    identity does not start, rather than store a seed in clear."""

    def setup(self):
        sealed.use_keys(sealed.keys_from(self.container.config))
