"""Opaque ids that sort by creation time (ULID layout: 48-bit milliseconds + 80 random bits).

Sorting by id is then creation order, which is what keyset pagination needs.
"""
import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def new_id():
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        value, index = divmod(value, 32)
        chars.append(_ALPHABET[index])
    return "".join(reversed(chars))
