"""Agents' reports: the fast path that needs no reply from a service.

An agent key is checked with accounts, which owns the keys, once, then remembered here for a while
(removing a computer evicts its key at once, by a broadcast event to every gateway). A valid report
is published as a durable message for monitoring (`gateway.report_publisher`) and answered 202 once
the broker has confirmed it: if monitoring is restarting, the report waits in its queue.
"""

from cachetools import TTLCache
from nameko.extensions import DependencyProvider

from portal_common.agent_keys import agent_key_digest
from portal_common.errors import Unauthenticated

KEY_CACHE_SECONDS = 300
KEY_CACHE_SIZE = 100_000


class UnknownAgent(Unauthenticated):
    challenge = 'Agent realm="partner-portal"'


def agent_key(request):
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "agent" or not key.strip():
        raise UnknownAgent("Send Authorization: Agent <agent_key>.")
    return key.strip()


class KnownAgents(TTLCache):
    """key hash -> computer identity, for `KEY_CACHE_SECONDS`; and each computer's key hash, so the
    gateway that removes a computer forgets its key before it answers."""

    def __init__(self, seconds=KEY_CACHE_SECONDS, size=KEY_CACHE_SIZE):
        super().__init__(maxsize=size, ttl=seconds)
        self._key_of = TTLCache(maxsize=size, ttl=seconds)

    def remember(self, key_hash, identity):
        self[key_hash] = identity
        self._key_of[identity["computer_id"]] = key_hash

    def forget(self, key_hash):
        self.pop(key_hash, None)

    def forget_computer(self, computer_id):
        self.forget(self._key_of.pop(computer_id, None))


class AgentKeys(DependencyProvider):
    def setup(self):
        self.known = KnownAgents()

    def get_dependency(self, worker_ctx):
        return self.known


def identify(known, accounts, request):
    """The computer behind the request's agent key, or 401."""
    key_hash = agent_key_digest(agent_key(request))
    identity = known.get(key_hash)
    if identity is None:
        identity = accounts.agent_identity(key_hash)
        if identity is None:
            raise UnknownAgent("Unknown or removed agent key.")
        known.remember(key_hash, identity)
    return identity
