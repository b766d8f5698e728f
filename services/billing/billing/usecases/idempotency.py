"""Idempotency-Key: the same key and body replay the first answer; another body is a 409."""

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal_common.errors import IdempotencyKeyReused
from portal_common.unit_of_work import UnitOfWork

from billing.adapters.orm import IdempotencyKey


def request_hash(operation: str, **request: Any) -> str:
    canonical = json.dumps({"operation": operation, **request}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def replay(session: Session, partner_id: str, key: str | None, digest: str) -> Any:
    """The stored answer for this key, or None when the key is new."""
    row = session.scalars(
        select(IdempotencyKey).where(IdempotencyKey.partner_id == partner_id, IdempotencyKey.key == key)
    ).one_or_none()
    if row is None:
        return None
    if row.request_hash != digest:
        raise IdempotencyKeyReused()
    return row.response


def remember(session: Session, partner_id: str, key: str | None, digest: str, response: Any, now: dt.datetime) -> None:
    session.add(IdempotencyKey(partner_id=partner_id, key=key, request_hash=digest, response=response, created_at=now))


def replayed(uow: UnitOfWork, partner_id: str, key: str | None, digest: str) -> Any:
    """The first answer to this key (checked before anything else, so a replay answers the same
    even when the state that decided it has moved on), or None."""
    with uow:
        return replay(uow.session, partner_id, key, digest)


def spend_once(
    uow: UnitOfWork,
    partner_id: str,
    key: str | None,
    digest: str,
    now: dt.datetime,
    work: Callable[[UnitOfWork], dict[str, Any]],
) -> Any:
    """Run `work(uow)` once per key: it stages an order and answers; the key and the answer are
    committed with it. A replay answers the stored answer; a concurrent twin loses on the key's
    primary key and answers the winner's."""
    stored = replayed(uow, partner_id, key, digest)
    if stored is not None:
        return stored
    try:
        with uow:
            answer = work(uow)
            remember(uow.session, partner_id, key, digest, answer, now)
            uow.commit()
            return answer
    except IntegrityError:
        with uow:
            stored = replay(uow.session, partner_id, key, digest)
        if stored is None:
            raise
        return stored
