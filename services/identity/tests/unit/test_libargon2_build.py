"""`make setup` builds libargon2 for this machine's CPU (scripts/build-argon2.sh): it is that build
identity hashes with, and it computes Argon2id exactly (RFC 9106's own test vector)."""

import platform
import shutil
import sys
from pathlib import Path

from argon2.low_level import ffi, lib

BUILD_RECORD = Path(sys.prefix, "argon2-build.txt")

# RFC 9106, section 5.3: Argon2id, version 0x13, 32 KiB, 3 passes, 4 lanes, with a secret and
# associated data (which exercise every input of the hash).
RFC9106_ARGON2ID_TAG = bytes.fromhex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659")


def rfc9106_argon2id_tag():
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
            "threads": 4,
            "version": 0x13,
            "allocate_cbk": ffi.NULL,
            "free_cbk": ffi.NULL,
            "flags": lib.ARGON2_DEFAULT_FLAGS,
        },
    )
    assert lib.argon2_ctx(context, lib.Argon2_id) == lib.ARGON2_OK
    return bytes(ffi.buffer(out))


def test_the_library_computes_rfc9106s_argon2id_test_vector():
    assert rfc9106_argon2id_tag() == RFC9106_ARGON2ID_TAG


def test_setup_built_the_library_for_this_cpu_where_it_can():
    record = BUILD_RECORD.read_text()
    if platform.machine() == "x86_64" and shutil.which("cc"):
        assert record.strip() == "argon2: built for this CPU (-march=native)"
    else:
        assert record.startswith("argon2: PyPI's wheel kept")
