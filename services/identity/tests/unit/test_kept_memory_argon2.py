"""A check with kept memory answers what argon2-cffi answers, for every hash identity may hold, and
does not fault its memory in again."""

import resource

import argon2
import eventlet
import eventlet.tpool
import pytest
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from identity.adapters.kept_memory_argon2 import KeptMemoryArgon2
from identity.dependencies import HASHING_COSTS

PASSWORD = "correct horse battery staple"
SMALL = {"time_cost": 1, "memory_cost": 8 * 1024, "parallelism": 2}
# Past 32 MiB glibc maps each block afresh (its largest mmap threshold): RFC 9106's 64 MiB in one pass.
LARGE = {"time_cost": 1, "memory_cost": 64 * 1024, "parallelism": 4}
PAGE_BYTES = resource.getpagesize()


def kept(costs=SMALL, blocks_kept=1):
    return KeptMemoryArgon2(argon2.PasswordHasher(**costs), blocks_kept=blocks_kept)


@pytest.mark.parametrize(
    "costs",
    [
        HASHING_COSTS["rfc9106"],
        HASHING_COSTS["fast"],
        SMALL,
        {"time_cost": 2, "memory_cost": 16 * 1024, "parallelism": 4},  # more memory than kept
    ],
)
def test_a_check_answers_as_argon2_cffi_for_hashes_of_any_cost(costs):
    encoded = argon2.PasswordHasher(**costs).hash(PASSWORD)
    checker = kept()

    assert checker.verify(encoded, PASSWORD) is True
    for wrong in ("correct horse battery stapler", "", "Correct horse battery staple"):
        with pytest.raises(VerifyMismatchError):
            checker.verify(encoded, wrong)
    with pytest.raises(VerifyMismatchError):
        argon2.PasswordHasher(**costs).verify(encoded, "")  # argon2-cffi agrees


def test_a_hash_of_another_argon2_type_is_checked_by_argon2_cffi():
    encoded = argon2.PasswordHasher(**SMALL, type=argon2.Type.I).hash(PASSWORD)
    checker = kept()
    assert checker.verify(encoded, PASSWORD) is True
    with pytest.raises(VerifyMismatchError):
        checker.verify(encoded, "not it")


def test_new_hashes_are_argon2ids_with_the_costs_given():
    encoded = kept().hash(PASSWORD)
    parameters = argon2.extract_parameters(encoded)
    assert (parameters.type, parameters.memory_cost, parameters.time_cost) == (argon2.Type.ID, 8 * 1024, 1)
    assert argon2.PasswordHasher().verify(encoded, PASSWORD)


@pytest.mark.parametrize(
    "broken",
    [
        "not a hash",
        "",
        "$argon2id$v=19$m=8192,t=1,p=2$$",
        "$argon2id$v=19$m=8192,t=1,p=2$c29tZXNhbHQ$not*base64",
        "$argon2id$v=19$m=8192,t=1,p=2$c29tZXNhbHQ",
    ],
)
def test_what_is_not_a_hash_is_refused_as_one(broken):
    with pytest.raises(InvalidHashError):
        kept().verify(broken, PASSWORD)


def test_a_hash_libargon2_refuses_is_a_failed_check():
    short_salt = "$argon2id$v=19$m=8192,t=1,p=2$c2FsdA$" + "A" * 43  # a 4-byte salt: under argon2's 8
    with pytest.raises(VerificationError):
        kept().verify(short_salt, PASSWORD)


def test_a_second_check_does_not_fault_its_memory_in_again():
    encoded = argon2.PasswordHasher(**LARGE).hash(PASSWORD)
    checker = kept(LARGE)
    checker.verify(encoded, PASSWORD)  # the block is made and touched once

    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    checker.verify(encoded, PASSWORD)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

    pages = LARGE["memory_cost"] * 1024 // PAGE_BYTES
    assert faults < pages // 8, f"{faults} page faults for a check of {pages} pages"
    with pytest.raises(VerifyMismatchError):
        checker.verify(encoded, "not it")  # a kept block holds nothing of the last check's answer


def test_no_more_blocks_are_kept_than_checks_may_run_at_once():
    encoded = argon2.PasswordHasher(**SMALL).hash(PASSWORD)
    checker = kept(blocks_kept=2)
    pool = eventlet.GreenPool()  # each check in an OS thread of eventlet's pool, as identity runs them

    answers = list(pool.imap(lambda _: eventlet.tpool.execute(checker.verify, encoded, PASSWORD), range(4)))

    assert answers == [True] * 4
    assert checker.blocks_kept <= 2
    checker.verify(encoded, PASSWORD)
    assert 1 <= checker.blocks_kept <= 2
