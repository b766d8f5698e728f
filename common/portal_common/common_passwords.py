"""Passwords too common to be a password: the 30,000 most used ones, from the list the zxcvbn
package ships (xato's, ranked by how often they appear in breaches). Nothing is downloaded at run
time; the list is read once, on the first password checked."""

import functools


@functools.cache
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    """Whether `password` (compared in lower case, as the list is) is one of the common ones."""
    return password.lower() in _common()
