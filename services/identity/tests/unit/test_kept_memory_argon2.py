"""A check with kept memory answers what argon2-cffi answers, for every hash identity may hold and
for strings that are not quite one, does not fault its memory in again, and keeps nothing of a
password in the blocks it keeps."""

import resource
import subprocess
import sys
import textwrap

import argon2
import eventlet
import eventlet.tpool
import pytest
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import ffi, hash_secret, lib

from identity.adapters import kept_memory_argon2
from identity.adapters.kept_memory_argon2 import KeptMemoryArgon2
from identity.dependencies import HASHING_COSTS

PASSWORD = "correct horse battery staple"
WRONG = ("correct horse battery stapler", "", "Correct horse battery staple")
SMALL = {"time_cost": 1, "memory_cost": 8 * 1024, "parallelism": 2}
# Past 32 MiB glibc maps each block afresh (its largest mmap threshold): RFC 9106's 64 MiB in one pass.
LARGE = {"time_cost": 1, "memory_cost": 64 * 1024, "parallelism": 4}
PAGE_BYTES = resource.getpagesize()


def kept(costs=SMALL, blocks_kept=1):
    return KeptMemoryArgon2(argon2.PasswordHasher(**costs), blocks_kept=blocks_kept)


def agree(checker, encoded):
    """The checker and argon2-cffi answer alike: the right password, the wrong ones."""
    assert checker.verify(encoded, PASSWORD) is True
    assert argon2.PasswordHasher().verify(encoded, PASSWORD) is True
    for wrong in WRONG:
        with pytest.raises(VerifyMismatchError):
            checker.verify(encoded, wrong)
        with pytest.raises(VerifyMismatchError):
            argon2.PasswordHasher().verify(encoded, wrong)


@pytest.mark.parametrize(
    "costs, kept_costs",
    [
        (HASHING_COSTS["rfc9106"], HASHING_COSTS["rfc9106"]),
        (HASHING_COSTS["fast"], HASHING_COSTS["fast"]),
        (SMALL, LARGE),  # less memory than a kept block
        ({"time_cost": 2, "memory_cost": 16 * 1024, "parallelism": 4}, SMALL),  # more than a kept block
    ],
)
def test_a_check_answers_as_argon2_cffi_with_its_memory_kept(costs, kept_costs):
    checker = kept(kept_costs)
    agree(checker, argon2.PasswordHasher(**costs).hash(PASSWORD))
    assert checker.blocks_kept == (1 if costs["memory_cost"] <= kept_costs["memory_cost"] else 0)
    assert checker.blocks_lent == 0


def test_a_hash_of_argon2_version_1_0_is_checked_with_memory_kept():
    encoded = hash_secret(PASSWORD.encode(), b"sixteen byte salt", 1, 8 * 1024, 2, 32, argon2.Type.ID, 0x10).decode()
    assert "$v=16$" in encoded
    checker = kept()
    agree(checker, encoded)
    assert checker.blocks_kept == 1


def hashes_in_another_form():
    made = argon2.PasswordHasher(**SMALL).hash(PASSWORD)
    version_1_0 = hash_secret(PASSWORD.encode(), b"sixteen byte salt", 1, 1024, 1, 32, argon2.Type.ID, 0x10).decode()
    return {
        "argon2i": argon2.PasswordHasher(**SMALL, type=argon2.Type.I).hash(PASSWORD),
        "no version (1.0)": version_1_0.replace("$v=16", ""),
        "base64 padded": made + "=",
        "parameters reordered": made.replace("m=8192,t=1,p=2", "t=1,m=8192,p=2"),
        "a leading zero": made.replace("m=8192", "m=08192"),
        "a number past 32 bits": made.replace("t=1", "t=9999999999"),
        "base64 with stray bits": made[:-1] + stray_bits(made[-1]),
    }


def stray_bits(last):
    """The same bytes in base64, but with the unused low bits of its last character set."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    index = alphabet.index(last)  # a 32-byte hash: 43 characters, the last one's low 4 bits unused
    return alphabet[(index & ~0xF) | ((index + 1) & 0xF)]


@pytest.mark.parametrize("name", sorted(hashes_in_another_form()))
def test_a_hash_in_another_form_is_argon2_cffis_to_check(name):
    encoded = hashes_in_another_form()[name]
    checker = kept()
    try:
        expected = argon2.PasswordHasher().verify(encoded, PASSWORD)
    except (VerificationError, InvalidHashError) as refused:
        with pytest.raises(type(refused)):
            checker.verify(encoded, PASSWORD)
    else:
        assert checker.verify(encoded, PASSWORD) is expected
    assert checker.blocks_kept == 0  # never through the kept way


@pytest.mark.parametrize(
    "broken, refusal",
    [
        ("not a hash", InvalidHashError),
        ("", InvalidHashError),
        ("$argon2id$v=19$m=8192,t=1,p=2$$", VerificationError),
        ("$argon2id$v=19$m=8192,t=1,p=2$c29tZXNhbHQ$not*base64", VerificationError),
    ],
)
def test_what_is_not_a_hash_is_refused_as_argon2_cffi_refuses_it(broken, refusal):
    with pytest.raises(refusal):
        argon2.PasswordHasher().verify(broken, PASSWORD)
    with pytest.raises(refusal):
        kept().verify(broken, PASSWORD)


def test_a_hash_libargon2_refuses_is_a_failed_check():
    short_salt = "$argon2id$v=19$m=8192,t=1,p=2$c2FsdA$" + "A" * 43  # a 4-byte salt: under argon2's 8
    with pytest.raises(VerificationError):
        kept().verify(short_salt, PASSWORD)


def test_new_hashes_are_argon2ids_with_the_costs_given():
    encoded = kept().hash(PASSWORD)
    parameters = argon2.extract_parameters(encoded)
    assert (parameters.type, parameters.memory_cost, parameters.time_cost) == (argon2.Type.ID, 8 * 1024, 1)
    assert argon2.PasswordHasher().verify(encoded, PASSWORD)


def test_a_second_check_does_not_fault_its_memory_in_again():
    encoded = argon2.PasswordHasher(**LARGE).hash(PASSWORD)
    checker = kept(LARGE)
    checker.verify(encoded, PASSWORD)  # the block is made and touched once

    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    checker.verify(encoded, PASSWORD)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

    pages = LARGE["memory_cost"] * 1024 // PAGE_BYTES
    assert faults < pages // 8, f"{faults} page faults for a check of {pages} pages"


def test_a_kept_block_holds_nothing_of_the_check_before():
    checker = kept()
    checker.verify(argon2.PasswordHasher(**SMALL).hash(PASSWORD), PASSWORD)
    (block,) = checker._kept
    assert not any(bytes(ffi.buffer(block)))


def test_checks_in_os_threads_keep_no_more_blocks_than_may_run_at_once():
    encoded = argon2.PasswordHasher(**SMALL).hash(PASSWORD)
    checker = kept(blocks_kept=2)
    pool = eventlet.GreenPool()  # each check in an OS thread of eventlet's pool, as identity runs them

    answers = list(pool.imap(lambda _: eventlet.tpool.execute(checker.verify, encoded, PASSWORD), range(6)))

    assert answers == [True] * 6
    assert 1 <= checker.blocks_kept <= 2
    assert checker.blocks_lent == 0


def test_a_check_computes_every_lane_in_the_one_thread_it_runs_in(monkeypatch):
    asked = []

    class Spy:
        def __getattr__(self, name):
            return getattr(lib, name)

        def argon2_ctx(self, context, kind):
            asked.append((context.lanes, context.threads))
            return lib.argon2_ctx(context, kind)

    monkeypatch.setattr(kept_memory_argon2, "lib", Spy())
    rfc9106 = HASHING_COSTS["rfc9106"]
    encoded = argon2.PasswordHasher(**rfc9106).hash(PASSWORD)

    assert kept(rfc9106).verify(encoded, PASSWORD) is True
    assert asked == [(rfc9106["parallelism"], 1)]


def test_where_callbacks_are_refused_every_check_is_argon2_cffis(monkeypatch):
    def refused(*_):
        raise MemoryError("Cannot allocate write+execute memory for ffi.callback()")

    monkeypatch.setattr(kept_memory_argon2, "_callbacks", refused)
    checker = kept()
    agree(checker, argon2.PasswordHasher(**SMALL).hash(PASSWORD))
    assert checker.blocks_kept == 0


def test_a_check_that_fails_half_way_wipes_its_block_and_keeps_it():
    """libargon2 returns without freeing when it cannot start a lane's thread: here, in a process
    whose address space is capped to leave room for the block but for no thread's stack, with checks
    in four threads (identity's run in one, which cannot fail once the block is lent)."""
    script = textwrap.dedent(
        """
        import resource
        import sys
        import argon2
        from argon2.exceptions import VerificationError
        from argon2.low_level import ffi
        from identity.adapters import kept_memory_argon2
        from identity.adapters.kept_memory_argon2 import KeptMemoryArgon2

        kept_memory_argon2.CHECK_THREADS = 4
        costs = {"time_cost": 1, "memory_cost": 16 * 1024, "parallelism": 4}
        encoded = sys.argv[1]  # hashed elsewhere: no lane thread has run here, none left a stack to reuse
        checker = KeptMemoryArgon2(argon2.PasswordHasher(**costs), blocks_kept=1)
        size = int(open("/proc/self/status").read().split("VmSize:")[1].split()[0]) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size + (20 << 20), resource.RLIM_INFINITY))
        try:
            checker.verify(encoded, "pw")
            failed = False
        except VerificationError:
            failed = True
        resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        (block,) = checker._kept
        print(failed, checker.blocks_lent, any(bytes(ffi.buffer(block))), checker.verify(encoded, "pw"))
        """
    )
    encoded = argon2.PasswordHasher(time_cost=1, memory_cost=16 * 1024, parallelism=4).hash("pw")
    answer = subprocess.run([sys.executable, "-c", script, encoded], capture_output=True, text=True, timeout=60)
    assert answer.returncode == 0, answer.stderr
    failed, lent, dirty, next_check = answer.stdout.split()
    assert failed == "True", "the capped check did not fail: the test proves nothing"
    assert (lent, dirty, next_check) == ("0", "False", "True")


def test_a_block_not_kept_is_freed_once_its_check_is_done():
    encoded = argon2.PasswordHasher(**LARGE).hash(PASSWORD)
    checker = kept(LARGE, blocks_kept=0)  # nothing kept: every block is the check's own
    before = resident_bytes()

    checker.verify(encoded, PASSWORD)

    assert checker.blocks_kept == 0 and checker.blocks_lent == 0
    assert resident_bytes() - before < LARGE["memory_cost"] * 1024 // 2, "the check's 64 MiB is still held"


def resident_bytes():
    status = open("/proc/self/status").read()
    return int(status.split("VmRSS:")[1].split()[0]) * 1024
