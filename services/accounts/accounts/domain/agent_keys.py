"""A computer's agent key: 256 random bits, shown once, stored (and replicated) only as SHA-256."""
import hashlib
import secrets

KEY_BYTES = 32
PREFIX = "agk_"


def new_agent_key():
    return PREFIX + secrets.token_urlsafe(KEY_BYTES)


def digest(agent_key):
    return hashlib.sha256(agent_key.encode()).hexdigest()
