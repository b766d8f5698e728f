"""Keeping the entries the services record, and reading them back newest first."""

import contextlib
import datetime as dt
from typing import Any

from portal_common.caller import Caller
from portal_common.events import from_iso
from portal_common.pagination import decode_time_cursor, encode_time_cursor
from portal_common.unit_of_work import ConstraintViolated

from audit.adapters.orm import Entry
from audit.adapters.unit_of_work import AuditUnitOfWork

SWEEP_BATCH = 5_000  # entries deleted per transaction by the retention sweep


def keep(uow: AuditUnitOfWork, events: list[dict[str, Any]]) -> None:
    """Entries from `<service>_activity` events (those that came together, in one transaction); an
    event kept before, or twice in the list, is kept once (its id)."""
    try:
        _keep_new(uow, events)
    except ConstraintViolated:  # another instance kept one of them meanwhile: each on its own
        for event in events:
            with contextlib.suppress(ConstraintViolated):
                _keep_new(uow, [event])


def _keep_new(uow: AuditUnitOfWork, events: list[dict[str, Any]]) -> None:
    with uow:
        known = uow.entries.ids_among([event["event_id"] for event in events])
        new = {event["event_id"]: _entry(event) for event in events if event["event_id"] not in known}
        if new:
            uow.entries.insert(*new.values())
            uow.commit()


def _entry(event: dict[str, Any]) -> Entry:
    return Entry(
        id=event["event_id"],
        partner_id=event["partner_id"],
        occurred_at=from_iso(event["occurred_at"]),
        type=event["type"],
        actor_id=event["actor"],
        target_kind=event["target_kind"],
        target_id=event["id"],
        target_name=event["target_name"],
        summary=event["summary"],
        request_id=event["request_id"],
    )


def list_entries(uow: AuditUnitOfWork, caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    """The partner's entries, newest first, filtered; the cursor is the last entry's time and id."""
    after = decode_time_cursor(query["cursor"]) if query.get("cursor") else None
    with uow:
        rows = uow.entries.page_of_partner(caller["partner_id"], query, after, query["limit"] + 1)
    page = rows[: query["limit"]]
    last = page[-1][0] if len(rows) > query["limit"] else None
    return {
        "items": [_item(entry, person) for entry, person in page],
        "next_cursor": last and encode_time_cursor(last.occurred_at, last.id),
    }


def _item(entry, person):
    actor = None
    if entry.actor_id is not None:
        actor = {"id": entry.actor_id, "name": person and person.name, "email": person and person.email}
    return {
        "id": entry.id,
        "occurred_at": entry.occurred_at,
        "type": entry.type,
        "actor": actor,
        "target": {"kind": entry.target_kind, "id": entry.target_id, "name": entry.target_name},
        "summary": entry.summary,
        "request_id": entry.request_id,
    }


def forget_older_than(uow: AuditUnitOfWork, cutoff: dt.datetime) -> int:
    """Delete entries that occurred before `cutoff`, a batch per transaction; answers how many."""
    deleted = 0
    while True:
        with uow:
            ids = uow.entries.ids_older_than(cutoff, SWEEP_BATCH)
            if not ids:
                return deleted
            uow.entries.delete_ids(ids)
            uow.commit()
        deleted += len(ids)
