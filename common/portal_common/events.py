"""The envelope every event carries: an id to deduplicate by, when it happened, the entity and its
version (consumers keep only a newer version)."""
import logging

from portal_common.ids import new_id
from portal_common.schemas.fields import utc_text


def iso(when):
    """A time as events (and the contract) write it: `2026-11-26T04:23:31Z`."""
    return None if when is None else utc_text(when)


def envelope(entity_id, version, occurred_at, **data):
    return {
        "event_id": new_id(),
        "occurred_at": iso(occurred_at),
        "id": entity_id,
        "version": version,
        **data,
    }


log = logging.getLogger(__name__)


def publish(uow, dispatch, heads_up=None):
    """Dispatch what the unit of work's committed transactions emitted; `heads_up(event_type, payload)`
    may also tell another service at once (see `tell`)."""
    for event_type, payload in uow.take_events():
        dispatch(event_type, payload)
        if heads_up is not None:
            heads_up(event_type, payload)


def tell(call, *args):
    """A call on the side of a change already committed, so the person's next read elsewhere sees
    it. Its failure is only logged: the event that follows carries the same change."""
    try:
        call(*args)
    except Exception:  # noqa: BLE001 - committed already; the event carries it
        log.warning("a heads-up call failed; the event will carry the change", exc_info=True)
