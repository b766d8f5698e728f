"""A computer's agent key: 256 random bits, shown once, stored (and replicated) only as SHA-256."""

import secrets

from portal_common.agent_keys import agent_key_digest

KEY_BYTES = 32
PREFIX = "agk_"


def new_agent_key() -> str:
    return PREFIX + secrets.token_urlsafe(KEY_BYTES)


digest = agent_key_digest
