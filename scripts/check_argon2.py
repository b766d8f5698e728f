"""Whether the installed libargon2 computes Argon2id exactly: RFC 9106's own test vector (section
5.3: version 0x13, 32 KiB, 3 passes, 4 lanes, with a secret and associated data, which exercise every
input of the hash). `scripts/build-argon2.sh` runs it before it keeps a build; exit status 1 when
the tag differs."""

import sys

from argon2.low_level import ffi, lib

RFC9106_ARGON2ID_TAG = bytes.fromhex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659")


def rfc9106_argon2id_tag(threads=4):
    out = ffi.new("uint8_t[]", 32)
    pwd, salt = ffi.new("uint8_t[]", b"\x01" * 32), ffi.new("uint8_t[]", b"\x02" * 16)
    secret, associated = ffi.new("uint8_t[]", b"\x03" * 8), ffi.new("uint8_t[]", b"\x04" * 12)
    context = ffi.new(
        "argon2_context *",
        {
            "out": out,
            "outlen": 32,
            "pwd": pwd,
            "pwdlen": 32,
            "salt": salt,
            "saltlen": 16,
            "secret": secret,
            "secretlen": 8,
            "ad": associated,
            "adlen": 12,
            "t_cost": 3,
            "m_cost": 32,
            "lanes": 4,
            "threads": threads,
            "version": 0x13,
            "allocate_cbk": ffi.NULL,
            "free_cbk": ffi.NULL,
            "flags": lib.ARGON2_DEFAULT_FLAGS,
        },
    )
    outcome = lib.argon2_ctx(context, lib.Argon2_id)
    if outcome != lib.ARGON2_OK:
        raise RuntimeError(ffi.string(lib.argon2_error_message(outcome)).decode())
    return bytes(ffi.buffer(out))


if __name__ == "__main__":
    computed = [rfc9106_argon2id_tag(threads) for threads in (1, 4)]
    if any(tag != RFC9106_ARGON2ID_TAG for tag in computed):
        print(f"libargon2 computed {[tag.hex() for tag in computed]}, RFC 9106 says {RFC9106_ARGON2ID_TAG.hex()}")
        sys.exit(1)
    print("libargon2 computes RFC 9106's Argon2id test vector")
