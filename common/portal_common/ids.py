"""Opaque ids that sort by creation time (ULID layout: 48-bit milliseconds + 80 random bits).

Sorting by id is then creation order, which is what keyset pagination and the outbox need: within a
millisecond, the process's next id is its last one plus one (ULID's monotonic mode), so the events
one transaction writes are published in the order it wrote them.
"""

import hashlib
import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


_RANDOM_BITS = 80
_last = [0]  # the process's last id, as a number


def new_id() -> str:
    value = (int(time.time() * 1000) << _RANDOM_BITS) | secrets.randbits(_RANDOM_BITS)
    if value >> _RANDOM_BITS <= _last[0] >> _RANDOM_BITS:
        value = _last[0] + 1  # the same millisecond (or a clock stepped back): after the last one
    _last[0] = value
    return _encoded(value)


def _encoded(value: int) -> str:
    chars = []
    for _ in range(26):
        value, index = divmod(value, 32)
        chars.append(_ALPHABET[index])
    return "".join(reversed(chars))


def derived_id(*parts: str) -> str:
    """The id of something named by `parts` (a computer and the key its agent sent): the same parts
    give the same id, so a retry is stored once. Same alphabet and length, but no time order."""
    digest = hashlib.sha256("\x00".join(parts).encode()).digest()
    value = int.from_bytes(digest[:17], "big") >> 6  # 130 bits: 26 characters
    return _encoded(value)
