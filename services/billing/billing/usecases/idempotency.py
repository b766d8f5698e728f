"""Idempotency-Key: the same key and body replay the first answer; another body is a 409.

The first answer is a success (kept with the order, in its transaction) or a refusal for the state
of things — 404, 409 — kept on its own, so that a retry after the state has moved on (a trial
started since, a seat freed) is answered as the first request was, and charges nothing. A 400 is
about the request itself, not the state: nothing is kept, as nothing else is for a request refused
before it is looked at.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from portal_common.errors import Conflict, IdempotencyKeyReused, NotFound, PortalError, error_named
from portal_common.unit_of_work import ConstraintViolated

from billing.adapters.orm import IdempotencyKey
from billing.adapters.unit_of_work import BillingUnitOfWork


def request_hash(operation: str, **request: Any) -> str:
    canonical = json.dumps({"operation": operation, **request}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


KEPT_REFUSALS = (NotFound, Conflict)
REFUSED = "_refused"  # the key of a kept answer that is a refusal: {error class, message, details}


def replay(uow: BillingUnitOfWork, partner_id: str, key: str | None, digest: str) -> Any:
    """The stored answer for this key (a refusal kept is raised again), or None when the key is new."""
    row = uow.idempotency_keys.of_partner(partner_id, key)
    if row is None:
        return None
    if row.request_hash != digest:
        raise IdempotencyKeyReused()
    refused = row.response.get(REFUSED) if isinstance(row.response, dict) else None
    if refused:
        raise error_named(refused["error"])(refused["message"], refused["details"])
    return row.response


def refusals_kept(
    uow: BillingUnitOfWork, partner_id: str, key: str | None, digest: str, now: dt.datetime, run: Callable[[], Any]
) -> Any:
    """`run()`'s answer; a refusal for the state of things it raises is kept against the key, then
    raised. When a twin request with the key answered first (its key is there), its answer is this
    one's too: a retry that found the state the first request left is not refused what was bought."""
    try:
        return run()
    except KEPT_REFUSALS as refusal:
        if isinstance(refusal, IdempotencyKeyReused) or _keep_refusal(uow, partner_id, key, digest, refusal, now):
            raise
        first = replayed(uow, partner_id, key, digest)  # raises the first answer when it was a refusal
        if first is None:
            raise
        return first


def _keep_refusal(uow, partner_id, key, digest, refusal: PortalError, now) -> bool:
    """Whether the refusal was kept (False: the key has an answer already, a twin's)."""
    answer = {REFUSED: {"error": type(refusal).__name__, "message": refusal.message, "details": refusal.details}}
    try:
        with uow:
            remember(uow, partner_id, key, digest, answer, now)
            uow.commit()
        return True
    except ConstraintViolated:
        return False


def remember(
    uow: BillingUnitOfWork, partner_id: str, key: str | None, digest: str, response: Any, now: dt.datetime
) -> None:
    uow.idempotency_keys.insert(
        IdempotencyKey(partner_id=partner_id, key=key, request_hash=digest, response=response, created_at=now)
    )


def replayed(uow: BillingUnitOfWork, partner_id: str, key: str | None, digest: str) -> Any:
    """The first answer to this key (checked before anything else, so a replay answers the same
    even when the state that decided it has moved on), or None."""
    with uow:
        return replay(uow, partner_id, key, digest)


def spend_once(
    uow: BillingUnitOfWork,
    partner_id: str,
    key: str | None,
    digest: str,
    now: dt.datetime,
    work: Callable[[BillingUnitOfWork], dict[str, Any]],
) -> Any:
    """Run `work(uow)` once per key: it stages an order and answers; the key and the answer are
    committed with it. Callers answer a replay (`replayed`) before they check the request, so it is
    not looked for again here; a concurrent twin loses on the key's primary key and answers the
    winner's."""
    try:
        with uow:
            answer = work(uow)
            remember(uow, partner_id, key, digest, answer, now)
            uow.commit()
            return answer
    except ConstraintViolated:
        with uow:
            stored = replay(uow, partner_id, key, digest)
        if stored is None:
            raise
        return stored


def spend_once_keeping_refusals(
    uow: BillingUnitOfWork,
    partner_id: str,
    key: str | None,
    digest: str,
    now: dt.datetime,
    work: Callable[[BillingUnitOfWork], dict[str, Any]],
) -> Any:
    """`spend_once`, with a refusal its work raises kept against the key (`refusals_kept`)."""
    return refusals_kept(uow, partner_id, key, digest, now, lambda: spend_once(uow, partner_id, key, digest, now, work))
