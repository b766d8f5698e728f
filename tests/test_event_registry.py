"""The event registry says who consumes each event, and it is true: read from the services' own
handlers. An event nobody in this system consumes is marked as published for outside consumers."""

from nameko.events import EventHandler
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from portal_common.event_handlers import ReliableEventHandler
from portal_common.events import OUTSIDE, REGISTRY
from tests.harness import SERVICES, _gateway


def handlers():
    """(service name, method name, its event handler) of every event handler of the system."""
    for service_class in [load() for _, load in SERVICES.values()] + [_gateway()]:
        for klass in service_class.__mro__:
            for name, method in vars(klass).items():
                for entrypoint in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ()):
                    if isinstance(entrypoint, EventHandler):
                        yield service_class.name, name, entrypoint


def consumed():
    """(producer, event name) -> the services with a handler of it."""
    found = {}
    for service, _, entrypoint in handlers():
        found.setdefault((entrypoint.source_service, entrypoint.event_type), set()).add(service)
    return found


def test_every_handled_event_is_in_the_registry_with_its_consumers():
    handled = consumed()
    assert set(handled) <= set(REGISTRY), set(handled) - set(REGISTRY)
    for key, event in REGISTRY.items():
        in_system = set(event.consumers) - {OUTSIDE}
        assert handled.get(key, set()) == in_system, key
        assert in_system or OUTSIDE in event.consumers, f"{key} has no consumer: remove it, or mark it {OUTSIDE}"


def test_every_service_handles_events_with_retries_in_the_queue_the_registry_names():
    """The producers declare their consumers' queues by the registry's names (so that an event is
    not dropped before its consumer's first start): they must be the ones nameko gives the handlers."""
    durable = [(service, name, entrypoint) for service, name, entrypoint in handlers() if service != "gateway"]
    assert durable
    for service, name, entrypoint in durable:
        assert isinstance(entrypoint, ReliableEventHandler), (service, name)
        event = REGISTRY[(entrypoint.source_service, entrypoint.event_type)]
        assert f"evt-{event.producer}-{event.name}--{service}.{name}" in event.queues
    assert sum(len(event.queues) for event in REGISTRY.values()) == len(durable)
