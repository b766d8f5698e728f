"""The envelope every event carries: an id to deduplicate by, when it happened, the entity and its
version (consumers keep only a newer version)."""
from portal_common.ids import new_id
from portal_common.schemas.fields import UtcDateTime


def iso(when):
    """A time as events (and the contract) write it: `2026-11-26T04:23:31Z`."""
    return UtcDateTime()._serialize(when, None, None)


def envelope(entity_id, version, occurred_at, **data):
    return {
        "event_id": new_id(),
        "occurred_at": iso(occurred_at),
        "id": entity_id,
        "version": version,
        **data,
    }
