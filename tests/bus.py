"""Events as the services publish them, for tests that feed a service by hand: each payload is made
and checked by the registry (`portal_common.events`), so a test cannot send what no producer would."""

from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_waiter

from portal_common.clock import utc_now
from portal_common.events import checked


def event(event_type, entity_id, version, **data):
    return checked(event_type, event_type.envelope(entity_id, version, utc_now(), **data))


def publish(config, event_type, payload):
    event_dispatcher(config)(event_type.producer, event_type.name, payload)


def deliver(container, config, handler, event_type, payload):
    """Publish, and wait until the container's `handler` has dealt with it."""
    with entrypoint_waiter(container, handler):
        publish(config, event_type, payload)
