"""A computer's name is its account's alone among the computers not removed, compared as a person
reads names: without case, and without spaces around or doubled inside ("Front  Desk " is "front desk")."""

import unicodedata

# casefold() can make one character three ("ΐ"): the key of a 200-character name fits in 600.
NAME_KEY_MAX = 600


def name_key(name: str) -> str:
    """What two names that read the same have in common."""
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()
