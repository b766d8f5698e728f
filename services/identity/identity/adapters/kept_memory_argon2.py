"""argon2id checks that reuse their memory. argon2-cffi asks the C allocator for a hash's 64 MiB on
every check, and glibc maps a block over 32 MiB afresh each time: the kernel then zeroes it page by
page as argon2 touches it (16,384 page faults, about a quarter of a check's CPU). Here a check
runs libargon2 itself with an allocator that hands out blocks kept from earlier checks, as many as
may run at once; every block is wiped before it is kept. The answer is the same function of the
same password and salt, compared in constant time.

A check computes its lanes in the one thread it runs in (`CHECK_THREADS`). The lanes are how the
memory is split, part of the hash; threads are only how many compute them at once, and a hash is
the same for any number. Four threads would answer sooner on an idle machine, but on a busy one
(a sign-in flood beside reads) they spread identity over every core, where each competes with
the gateway, and libargon2 starts and joins them for every segment (48 threads a check).

Only hashes in the exact form identity writes take this way; any other (another argon2 type or
version, a form argon2-cffi reads more leniently or refuses) is argon2-cffi's to check, as are new
hashes (sign-ups, password changes: rare). Where the system forbids memory both writable and
executable, which cffi's callbacks need, every check is argon2-cffi's.
"""

import base64
import ctypes
import hmac
import logging
import re
import threading

import argon2
from argon2.exceptions import VerificationError, VerifyMismatchError
from argon2.low_level import ffi, lib

log = logging.getLogger(__name__)

# `$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>`, base64 without padding, as libargon2 encodes it.
KEPT_FORM = re.compile(
    r"\$argon2id\$v=(?P<version>16|19)\$m=(?P<memory>[1-9][0-9]{0,9}),t=(?P<passes>[1-9][0-9]{0,9}),"
    r"p=(?P<lanes>[1-9][0-9]{0,6})\$(?P<salt>[A-Za-z0-9+/]+)\$(?P<digest>[A-Za-z0-9+/]+)",
    re.ASCII,
)
UINT32_MAX = 2**32 - 1
CHECK_THREADS = 1


class KeptMemoryArgon2:
    """`hash(password)` and `verify(encoded, password)` (True, or VerifyMismatchError) for text
    passwords and hashes, as argon2-cffi's `PasswordHasher` answers them, with `verify`'s memory
    kept: at most `blocks_kept` blocks of `hasher`'s memory cost are kept between checks (more
    checks at once get blocks of their own, freed after)."""

    def __init__(self, hasher: argon2.PasswordHasher, blocks_kept: int):
        self._hasher = hasher
        self._block_bytes = hasher.memory_cost * 1024
        self._blocks_kept = blocks_kept
        # Checks run in several OS threads: each step on these is one list or dict operation, atomic
        # under the GIL. The Hasher's slots keep the blocks in use at `blocks_kept` or fewer.
        self._kept: list = []
        self._lent: dict = {}  # address -> the block libargon2 is using
        self._this_check = threading.local()  # the block lent to the check this thread runs
        try:
            self._allocate, self._free = _callbacks(self._lend, self._take_back)
        except MemoryError as refused:
            log.warning("password checks without kept memory: %s", refused)
            self._allocate = self._free = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, encoded: str, password: str) -> bool:
        form = KEPT_FORM.fullmatch(encoded) if self._allocate is not None else None
        decoded = _decoded(form) if form else None
        if decoded is None:
            return self._hasher.verify(encoded, password)
        version, memory, passes, lanes, salt, expected = decoded
        secret = password.encode()
        out = ffi.new("uint8_t[]", len(expected))
        pwd, salt_bytes = ffi.new("uint8_t[]", secret), ffi.new("uint8_t[]", salt)
        context = ffi.new(
            "argon2_context *",
            {
                "out": out,
                "outlen": len(expected),
                "pwd": pwd,
                "pwdlen": len(secret),
                "salt": salt_bytes,
                "saltlen": len(salt),
                "secret": ffi.NULL,
                "secretlen": 0,
                "ad": ffi.NULL,
                "adlen": 0,
                "t_cost": passes,
                "m_cost": memory,
                "lanes": lanes,
                "threads": CHECK_THREADS,
                "version": version,
                "allocate_cbk": self._allocate,
                "free_cbk": self._free,
                "flags": lib.ARGON2_FLAG_CLEAR_PASSWORD,
            },
        )
        self._this_check.block = None
        try:
            outcome = lib.argon2_ctx(context, lib.Argon2_id)
            if outcome != lib.ARGON2_OK:
                self._recover()
                raise VerificationError(ffi.string(lib.argon2_error_message(outcome)).decode())
        finally:
            self._this_check.block = None  # a block not kept is freed now, not at this thread's next check
        if not hmac.compare_digest(bytes(ffi.buffer(out)), expected):
            raise VerifyMismatchError("The password does not match the supplied hash")
        return True

    @property
    def blocks_kept(self) -> int:
        return len(self._kept)

    @property
    def blocks_lent(self) -> int:
        return len(self._lent)

    def _lend(self, memory, size):
        """libargon2's allocator: a kept block when one is free and large enough."""
        block = None
        if size <= self._block_bytes:
            try:
                block = self._kept.pop()
            except IndexError:
                pass
        if block is None:
            block = ffi.new("uint8_t[]", max(size, self._block_bytes))
        self._lent[_address(block)] = block
        self._this_check.block = block
        memory[0] = block
        return lib.ARGON2_OK

    def _take_back(self, memory, size):
        """libargon2's free, called once it has wiped the block (its default)."""
        block = self._lent.pop(_address(memory))
        if len(block) == self._block_bytes and len(self._kept) < self._blocks_kept:
            self._kept.append(block)

    def _recover(self):
        """libargon2 returns without freeing when it fails half-way (it could not start a lane's
        thread): the block is wiped here and taken back."""
        block = self._this_check.block
        if block is not None and _address(block) in self._lent:
            ctypes.memset(_address(block), 0, len(block))
            self._take_back(block, len(block))


def _callbacks(lend, take_back):
    """cffi calls these from the thread running libargon2, with the GIL taken. MemoryError where
    no page may be both writable and executable (SELinux's deny_execmem, MemoryDenyWriteExecute)."""
    allocate = ffi.callback("int(uint8_t **, size_t)", lend, error=lib.ARGON2_MEMORY_ALLOCATION_ERROR)
    free = ffi.callback("void(uint8_t *, size_t)", take_back)
    return allocate, free


def _decoded(form):
    """(version, memory, passes, lanes, salt, hash) of a hash in the kept form, or None where its
    numbers or base64 are not what libargon2 itself would have written."""
    numbers = [int(form[name]) for name in ("version", "memory", "passes", "lanes")]
    if any(number > UINT32_MAX for number in numbers):
        return None
    salt, digest = _canonical_b64(form["salt"]), _canonical_b64(form["digest"])
    if salt is None or digest is None:
        return None
    return (*numbers, salt, digest)


def _canonical_b64(text):
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except ValueError:
        return None
    return data if base64.b64encode(data).decode().rstrip("=") == text else None


def _address(block):
    return int(ffi.cast("uintptr_t", block))
