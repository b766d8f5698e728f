"""The envelope every event carries: an id to deduplicate by, when it happened, the entity and its
version (consumers keep only a newer version)."""
from portal_common.ids import new_id
from portal_common.schemas.fields import UtcDateTime


def envelope(entity_id, version, occurred_at, **data):
    return {
        "event_id": new_id(),
        "occurred_at": UtcDateTime()._serialize(occurred_at, None, None),
        "id": entity_id,
        "version": version,
        **data,
    }
