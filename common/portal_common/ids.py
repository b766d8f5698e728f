"""Opaque ids that sort by creation time (ULID layout: 48-bit milliseconds + 80 random bits).

Sorting by id is then creation order, which is what keyset pagination needs.
"""
import hashlib
import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def new_id():
    return _encoded((int(time.time() * 1000) << 80) | secrets.randbits(80))


def _encoded(value):
    chars = []
    for _ in range(26):
        value, index = divmod(value, 32)
        chars.append(_ALPHABET[index])
    return "".join(reversed(chars))


def derived_id(*parts):
    """The id of something named by `parts` (a computer and the key its agent sent): the same parts
    give the same id, so a retry is stored once. Same alphabet and length, but no time order."""
    digest = hashlib.sha256("\x00".join(parts).encode()).digest()
    value = int.from_bytes(digest[:17], "big") >> 6  # 130 bits: 26 characters
    return _encoded(value)
