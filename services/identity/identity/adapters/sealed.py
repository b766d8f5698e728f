"""Second-factor seeds sealed at rest: a column stores a Fernet token (AES-128-CBC with an
HMAC-SHA256, from the `cryptography` package), never the seed. A database read, a backup or a
stolen file is no way to make anyone's codes.

The keys come from configuration (`TOTP_KEYS`, or one key a line in `TOTP_KEY_FILE`): the first
seals, every one opens, so keys rotate without downtime (README, "Secrets at rest"). One key set
per process: every identity container of a process reads the same configuration.
"""

import pathlib

from cryptography.fernet import Fernet, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

KEYS_CONFIG_KEY = "TOTP_KEYS"
KEY_FILE_CONFIG_KEY = "TOTP_KEY_FILE"
_keys = []  # the process's MultiFernet, once configured


class NoKeys(RuntimeError):
    pass


def keys_from(config):
    """The configured keys, first the sealing one: `TOTP_KEYS` (comma-separated) or the file."""
    listed = str(config.get(KEYS_CONFIG_KEY) or "")
    path = config.get(KEY_FILE_CONFIG_KEY)
    if not listed and path and pathlib.Path(path).exists():
        listed = pathlib.Path(path).read_text()
    keys = [key.strip() for key in listed.replace(",", "\n").splitlines() if key.strip()]
    if not keys:
        raise NoKeys(
            f"Set {KEYS_CONFIG_KEY}, or {KEY_FILE_CONFIG_KEY} to a file of keys: identity seals "
            "second-factor seeds with them (make run makes one)."
        )
    return keys


def use_keys(keys):
    _keys[:] = [MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])]


def box():
    if not _keys:
        raise NoKeys("identity's seed keys are not configured")
    return _keys[0]


class SealedText(TypeDecorator):
    """Text sealed with the process's keys on the way in, opened on the way out."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else box().encrypt(value.encode()).decode("ascii")

    def process_result_value(self, value, dialect):
        return None if value is None else box().decrypt(value.encode("ascii")).decode()
