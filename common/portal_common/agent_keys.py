"""An agent key is stored and replicated only as its SHA-256: accounts makes the keys, monitoring
and the gateway check them."""

import hashlib


def agent_key_digest(agent_key: str) -> str:
    return hashlib.sha256(agent_key.encode()).hexdigest()
