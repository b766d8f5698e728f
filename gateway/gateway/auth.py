"""Who is calling, and may they: the bearer token checked by identity, the role by the table.

Identity's answer for a token is remembered here (`KnownSessions`), so most requests need no round
trip to identity. It stays true because identity tells every gateway `access_changed` whenever it
could change (sign-out, password, two-step verification, role, deactivation, removal), the gateway
that carried the change forgets at once before it answers, an answer is never kept past its
session's end, and never longer than `SESSION_CACHE_SECONDS` (in case a broadcast was missed while
the gateway was cut off from the broker).
"""

import contextlib
import hashlib
import time

from cachetools import TTLCache

from portal_common import logs, request_context
from portal_common.clock import CLOCK_CONFIG_KEY, SystemClock
from portal_common.errors import Forbidden, TwoFactorRequired, Unauthenticated
from portal_common.roles import allows
from portal_common.rpc import ServiceRpc

SESSION_CACHE_SECONDS = 30
SESSION_CACHE_SIZE = 20_000  # about 900 bytes each
# The routes a session may call while the company requires a second factor its employee has not set
# up (API.md 1.1): who am I, set it up, confirm it, sign out.
SETUP_ONLY_ROUTES = frozenset({"me", "set_up_two_factor", "confirm_two_factor", "sign_out"})


def bearer_token(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Send Authorization: Bearer <token> from POST /v1/sessions.")
    return token.strip()


class KnownSessions:
    """token hash -> identity's answer, for at most `seconds`, and each employee's token hashes, so
    forgetting one employee touches only their entries. Kept by hash: memory holds no token.

    Every forget is numbered: an answer asked for before an employee was forgotten is not kept
    after it, so a sign-out racing a request for the same token cannot leave the old answer behind.
    """

    def __init__(self, seconds=SESSION_CACHE_SECONDS, size=SESSION_CACHE_SIZE, timer=time.monotonic):
        self.size = size
        self._known = TTLCache(size, seconds, timer)
        self._tokens_of = _TokensOf(size, seconds, timer, self._known)
        self._forgotten_at = {}  # employee id -> the number of their last forget
        self._all_forgotten_at = 0  # when the table above was last emptied
        self.generation = 0

    def get(self, token_hash, now):
        answer = self._known.get(token_hash)
        if answer is None or answer["session_expires_at"] <= now.timestamp():
            return None
        return answer

    def put(self, token_hash, answer, generation):
        """Remember identity's answer, asked for when the count of forgets was `generation`."""
        employee_id = answer["id"]
        if generation < max(self._forgotten_at.get(employee_id, -1), self._all_forgotten_at):
            return
        self._known[token_hash] = answer
        alive = {known for known in self._tokens_of.get(employee_id, ()) if known in self._known}
        self._tokens_of[employee_id] = frozenset(alive | {token_hash})

    def forget(self, employee_id):
        self.generation += 1
        if len(self._forgotten_at) >= self.size:
            self._forgotten_at.clear()
            self._all_forgotten_at = self.generation
        self._forgotten_at[employee_id] = self.generation
        for token_hash in self._tokens_of.pop(employee_id, ()):
            self._known.pop(token_hash, None)


class _TokensOf(TTLCache):
    """employee id -> their token hashes, set again on every put (so it outlives their answers); an
    employee pushed out when it is full takes their answers along, or a forget would miss them."""

    def __init__(self, size, seconds, timer, known):
        super().__init__(size, seconds, timer)
        self._answers = known

    def popitem(self):
        employee_id, token_hashes = super().popitem()
        for token_hash in token_hashes:
            self._answers.pop(token_hash, None)
        return employee_id, token_hashes


class Guard:
    def __init__(self, identity, known, clock, worker_ctx):
        self._identity = identity
        self._known = known
        self._clock = clock
        self._worker_ctx = worker_ctx
        self.me = None

    def caller(self):
        """The caller passed to every service, once the route's permission is checked."""
        request = self._worker_ctx.args[0]
        permission = self._worker_ctx.entrypoint.permission
        me = self._who(bearer_token(request))
        if me.get("two_factor_setup_required") and self._worker_ctx.entrypoint.method_name not in SETUP_ONLY_ROUTES:
            raise TwoFactorRequired()
        if not allows(me["role"], permission):
            raise Forbidden()
        self.me = {key: value for key, value in me.items() if key not in ("session_id", "session_expires_at")}
        self._worker_ctx.data[request_context.ACTOR_ID] = me["id"]  # on the calls and events it causes
        self._worker_ctx.data[request_context.PARTNER_ID] = me["partner_id"]
        logs.set_context(employee_id=me["id"], partner_id=me["partner_id"])
        return {
            "partner_id": me["partner_id"],
            "employee_id": me["id"],
            "role": me["role"],
            "session_id": me["session_id"],
        }

    def _who(self, token):
        token_hash = hashlib.sha256(token.encode()).hexdigest()
        me = self._known.get(token_hash, self._clock.now())
        if me is None:
            generation = self._known.generation
            me = self._identity.authenticate(token)
            self._known.put(token_hash, me, generation)
        return me

    @contextlib.contextmanager
    def forgetting(self, employee_id):
        """Around a call that changes the employee's access: forgotten before this gateway answers,
        whatever the call's outcome (a call that failed may still have changed it)."""
        try:
            yield
        finally:
            self._known.forget(employee_id)

    def forget(self, employee_id):
        self._known.forget(employee_id)


class Authenticator(ServiceRpc):
    def __init__(self):
        super().__init__("identity")

    def setup(self):
        super().setup()
        self.known = KnownSessions()
        self.clock = self.container.config.get(CLOCK_CONFIG_KEY) or SystemClock()

    def get_dependency(self, worker_ctx):
        return Guard(super().get_dependency(worker_ctx), self.known, self.clock, worker_ctx)
