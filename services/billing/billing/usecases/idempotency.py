"""Idempotency-Key: the same key and body replay the first answer; another body is a 409."""

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from portal_common.errors import IdempotencyKeyReused
from portal_common.unit_of_work import ConstraintViolated

from billing.adapters.orm import IdempotencyKey
from billing.adapters.unit_of_work import BillingUnitOfWork


def request_hash(operation: str, **request: Any) -> str:
    canonical = json.dumps({"operation": operation, **request}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def replay(uow: BillingUnitOfWork, partner_id: str, key: str | None, digest: str) -> Any:
    """The stored answer for this key, or None when the key is new."""
    row = uow.idempotency_keys.of_partner(partner_id, key)
    if row is None:
        return None
    if row.request_hash != digest:
        raise IdempotencyKeyReused()
    return row.response


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
