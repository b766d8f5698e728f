"""The event registry says who consumes each event, and it is true: read from the services' own
handlers. An event nobody in this system consumes is marked as published for outside consumers."""
from nameko.events import EventHandler
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from portal_common.events import OUTSIDE, REGISTRY
from tests.harness import SERVICES, _gateway


def consumed():
    """(producer, event name) -> the services with a handler of it."""
    found = {}
    for service_class in [load() for _, load in SERVICES.values()] + [_gateway()]:
        for klass in service_class.__mro__:
            for method in vars(klass).values():
                for entrypoint in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ()):
                    if isinstance(entrypoint, EventHandler):
                        key = (entrypoint.source_service, entrypoint.event_type)
                        found.setdefault(key, set()).add(service_class.name)
    return found


def test_every_handled_event_is_in_the_registry_with_its_consumers():
    handled = consumed()
    assert set(handled) <= set(REGISTRY), set(handled) - set(REGISTRY)
    for key, event in REGISTRY.items():
        in_system = set(event.consumers) - {OUTSIDE}
        assert handled.get(key, set()) == in_system, key
        assert in_system or OUTSIDE in event.consumers, f"{key} has no consumer: remove it, or mark it {OUTSIDE}"


def test_every_service_handles_events_with_retries_except_the_gateways_broadcasts():
    from portal_common.event_handlers import ReliableEventHandler

    for service_class in [load() for _, load in SERVICES.values()]:
        for method in vars(service_class).values():
            for entrypoint in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ()):
                if isinstance(entrypoint, EventHandler):
                    assert isinstance(entrypoint, ReliableEventHandler), (service_class.name, entrypoint.event_type)
