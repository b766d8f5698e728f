"""Bearer secrets (session tokens, device tokens, recovery codes): random, shown once, stored as a
SHA-256 hash. They carry enough entropy that a fast hash is safe (unlike passwords)."""

import datetime as dt
import hashlib
import secrets

TOKEN_BYTES = 32
# Password-reset links mailed to one address: at most this many in the window, spent ones included.
RESETS_PER_WINDOW = 3
RESET_LIMIT_WINDOW = dt.timedelta(hours=1)
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_RECOVERY_GROUPS, _RECOVERY_GROUP_LEN = 3, 4  # 12 characters, about 59 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    def one() -> str:
        groups = (
            "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_GROUP_LEN))
            for _ in range(_RECOVERY_GROUPS)
        )
        return "-".join(groups)

    return [one() for _ in range(count)]


def normalize_recovery_code(code: str) -> str:
    """What a person types: any case, with or without dashes and spaces."""
    return "".join(ch for ch in code.lower() if ch not in "- ")


def recovery_code_digest(code: str) -> str:
    return digest(normalize_recovery_code(code))
