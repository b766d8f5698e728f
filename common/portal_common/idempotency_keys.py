"""The `Idempotency-Key` header: 1–255 printable ASCII characters (API.md, Conventions)."""

from portal_common.errors import ValidationFailed

HEADER = "Idempotency-Key"
KEY_MAX = 255


def checked_key(key: str | None, required: bool = True) -> str | None:
    """The key as sent; a 400 when it is missing (and `required`) or not 1–255 printable characters
    (a header sent empty is a key of none: refused, not taken for no key)."""
    if key is None or (key == "" and required):
        if not required:
            return None
        raise ValidationFailed(
            f"This request spends money: send an {HEADER} header.",
            {HEADER: ["Required for requests that spend money."]},
        )
    if not 1 <= len(key) <= KEY_MAX or not all(" " <= ch <= "~" for ch in key):
        raise ValidationFailed(
            f"The {HEADER} is 1–{KEY_MAX} printable characters.", {HEADER: [f"1–{KEY_MAX} printable ASCII characters."]}
        )
    return key
