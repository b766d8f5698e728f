"""Reads that need no hop: the two pages every partner opens first (the accounts list and the
monitoring overview) kept for a moment per partner and query, so a dashboard polled by many clients
costs its service two calls a second rather than one a request.

A kept answer is at most `READ_CACHE_SECONDS` old (a setting, 0 to keep none, never more than the
contract's two seconds), so every change shows within that at every gateway instance, whoever made
it (another gateway, a renewal, an agent's report). A change a partner's employee makes through this
gateway forgets the partner's kept answers here before the change is answered, so they read their
own writes at once. Each answer carries an `ETag`; a client that sends it back in `If-None-Match` is
answered 304 with no body.
"""

import hashlib
import time

from cachetools import TTLCache
from eventlet.event import Event
from nameko.extensions import DependencyProvider

from portal_common import request_context

READ_CACHE_SECONDS = 0.5  # with the events a change travels on, well within the contract's 2 s
READ_CACHE_MAX_SECONDS = 2.0  # API.md: a change shows within 2 s at every gateway
READ_CACHE_CONFIG_KEY = "READ_CACHE_SECONDS"
READ_CACHE_SIZE = 10_000  # answers kept at once by one gateway; past it the oldest go first
READS = ("GET", "HEAD")


def etag_of(body: str) -> str:
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


class KeptReads:
    """(partner, what was asked) -> (body, etag), each for at most `seconds`. Every write of a partner
    starts a new epoch of its answers (numbers never used again): an answer asked for before a write
    is neither found nor kept after it, so a read racing a write cannot leave the old answer behind.
    Requests that miss the same answer at once wait for the first one's call rather than each make
    their own (a busy partner's answer running out would otherwise bring one call a client)."""

    def __init__(self, seconds=READ_CACHE_SECONDS, size=READ_CACHE_SIZE, timer=time.monotonic):
        self.seconds, self.size = seconds, size
        self._answers = TTLCache(size, seconds or 1, timer)
        self._asking = {}  # (partner, epoch, asked) -> the Event its first asker will send
        self._writes = 0
        self._written_at = {}  # partner id -> the number of its last write seen here
        self._all_written_at = 0  # when the table above was last emptied: every partner's epoch then

    def epoch(self, partner_id):
        return max(self._written_at.get(partner_id, 0), self._all_written_at)

    def answer(self, partner_id, asked, ask):
        """The answer to `asked` (a hashable of everything it depends on besides the partner), kept,
        or got with `ask()` (JSON text) and kept; answers (body, etag)."""
        if not self.seconds:
            body = ask()
            return body, etag_of(body)
        key = (partner_id, self.epoch(partner_id), asked)
        found = self._answers.get(key)
        if found is not None:
            return found
        if key in self._asking:
            return self._asking[key].wait()  # the first asker's answer, or its error raised here too
        asking = self._asking[key] = Event()
        try:
            body = ask()
            found = (body, etag_of(body))
        except BaseException as exc:  # whatever ends the call (a timeout, a kill) ends the waiters' too
            asking.send_exception(exc)
            raise
        finally:
            del self._asking[key]
        if key[1] == self.epoch(partner_id):  # no write since it was asked
            self._answers[key] = found
        asking.send(found)
        return found

    def forget(self, partner_id):
        self._writes += 1
        if len(self._written_at) >= self.size:
            self._written_at.clear()
            self._all_written_at = self._writes
        self._written_at[partner_id] = self._writes


class ReadCache(DependencyProvider):
    """One `KeptReads` per gateway instance; a route reads through it with
    `reads.answer(partner, asked, ask)`. After any request that may have changed a partner's data
    (every method but GET and HEAD, signed in as one of its employees), the partner's answers are
    forgotten: nameko runs this before the answer is written to the client."""

    def setup(self):
        seconds = float(self.container.config.get(READ_CACHE_CONFIG_KEY, READ_CACHE_SECONDS))
        if not 0 <= seconds <= READ_CACHE_MAX_SECONDS:
            raise ValueError(f"{READ_CACHE_CONFIG_KEY} is 0 to {READ_CACHE_MAX_SECONDS:g} seconds, not {seconds:g}")
        self.kept = KeptReads(seconds)

    def get_dependency(self, worker_ctx):
        return self.kept

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        request = worker_ctx.args[0] if worker_ctx.args else None
        partner_id = worker_ctx.data.get(request_context.PARTNER_ID)
        if partner_id and getattr(request, "method", "GET") not in READS:
            self.kept.forget(partner_id)
