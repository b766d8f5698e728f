"""argon2id checks that reuse their memory. argon2-cffi asks the C allocator for a hash's 64 MiB on
every check, and glibc maps a block over 32 MiB afresh each time: the kernel then zeroes it page by
page as argon2 touches it (16,384 page faults, about a quarter of a check's CPU). Here a check
runs libargon2 itself with an allocator that hands out blocks kept from earlier checks, as many as
may run at once; libargon2 still wipes a block before giving it back. The answer is the same
function of the same password and salt, compared in constant time.

New hashes (sign-ups, password changes: rare) and hashes of another argon2 type are argon2-cffi's.
"""

import base64
import binascii
import hmac

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import ffi, lib


class KeptMemoryArgon2:
    """The `hash`/`verify` of argon2-cffi's `PasswordHasher`, with `verify`'s memory kept: at most
    `blocks_kept` blocks of `hasher`'s memory cost are kept between checks (more at once get their
    own, freed after)."""

    def __init__(self, hasher: argon2.PasswordHasher, blocks_kept: int):
        self._hasher = hasher
        self._block_bytes = hasher.memory_cost * 1024
        self._blocks_kept = blocks_kept
        self._kept: list = []  # list.pop and append are atomic: checks run in several OS threads
        self._lent: dict = {}  # address -> the block libargon2 is using
        # cffi calls these from the thread running libargon2, with the GIL taken.
        self._allocate = ffi.callback("int(uint8_t **, size_t)", self._lend, error=lib.ARGON2_MEMORY_ALLOCATION_ERROR)
        self._free = ffi.callback("void(uint8_t *, size_t)", self._take_back)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, encoded: str, password: str) -> bool:
        """True, or VerifyMismatchError; InvalidHashError for a hash that is not one."""
        parameters, salt, expected = _decoded(encoded)
        if parameters.type is not argon2.Type.ID:
            return self._hasher.verify(encoded, password)
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
                "t_cost": parameters.time_cost,
                "m_cost": parameters.memory_cost,
                "lanes": parameters.parallelism,
                "threads": parameters.parallelism,
                "version": parameters.version,
                "allocate_cbk": self._allocate,
                "free_cbk": self._free,
                "flags": lib.ARGON2_DEFAULT_FLAGS,
            },
        )
        outcome = lib.argon2_ctx(context, lib.Argon2_id)
        if outcome != lib.ARGON2_OK:
            raise VerificationError(ffi.string(lib.argon2_error_message(outcome)).decode())
        if not hmac.compare_digest(bytes(ffi.buffer(out)), expected):
            raise VerifyMismatchError("The password does not match the supplied hash")
        return True

    @property
    def blocks_kept(self) -> int:
        return len(self._kept)

    def _lend(self, memory, size):
        block = None
        if size <= self._block_bytes:
            try:
                block = self._kept.pop()
            except IndexError:
                block = ffi.new("uint8_t[]", self._block_bytes)
        else:
            block = ffi.new("uint8_t[]", size)  # a hash made with more memory than ours
        self._lent[int(ffi.cast("uintptr_t", block))] = block
        memory[0] = block
        return lib.ARGON2_OK

    def _take_back(self, memory, size):
        block = self._lent.pop(int(ffi.cast("uintptr_t", memory)))
        if len(block) == self._block_bytes and len(self._kept) < self._blocks_kept:
            self._kept.append(block)


def _decoded(encoded):
    """The parameters, salt and hash of a PHC string `$argon2id$v=19$m=…,t=…,p=…$salt$hash`."""
    parameters = argon2.extract_parameters(encoded)  # InvalidHashError when it is not one
    try:
        salt, digest = (_unpadded_b64(part) for part in encoded.split("$")[-2:])
    except (binascii.Error, ValueError) as error:
        raise InvalidHashError(str(error)) from error
    if not salt or not digest:
        raise InvalidHashError("no salt or no hash")
    return parameters, salt, digest


def _unpadded_b64(text):
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
