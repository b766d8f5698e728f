"""How events travel on the bus: a message carries one event's envelope, or several events of one
type together (a list of envelopes, with `EVENTS_HEADER` saying how many).

The outbox relay puts together what it publishes at once: under load an order's three events, each
to its own consumer, would otherwise be three deliveries an order, and a delivery (its routing, its
decoding, its acknowledgement) costs about as much as handling the event. A consumer still handles
each event on its own (`portal_common.event_handlers`). Only events that every consumer reads through
a reliable handler of this system go together; those that a gateway's broadcast queue or an outside
consumer reads stay one a message.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from portal_common import request_context
from portal_common.events import BROADCAST_CONSUMERS, OUTSIDE, REGISTRY, EventType

EVENTS_HEADER = "x-portal-events"
EVENTS_PER_MESSAGE = 50  # envelopes of one message at most (each up to a few KB)
# The request's context as the relay sets it in a message's headers, from each envelope's fields.
CONTEXT_FIELDS = (
    (request_context.REQUEST_ID, "request_id"),
    (request_context.ACTOR_ID, "actor"),
    (request_context.PARTNER_ID, "partner_id"),
)
HEADER_PREFIX = "nameko."  # nameko reads a message's context data from the headers named so


def context_data(envelope: Mapping[str, Any]) -> dict[str, Any]:
    """The context of the request that caused the event, as a handler's worker sees it."""
    return {key: envelope[field] for key, field in CONTEXT_FIELDS if envelope.get(field)}


def context_headers(envelope: Mapping[str, Any]) -> dict[str, Any]:
    return {HEADER_PREFIX + key: value for key, value in context_data(envelope).items()}


def goes_with_others(event_type: EventType | None) -> bool:
    """Whether the type's events may share a message: every consumer is a handler of this system
    that reads messages of several (not a broadcast queue's, not an outside one's)."""
    return event_type is not None and not set(event_type.consumers) & {OUTSIDE, *BROADCAST_CONSUMERS}


def messages(producer: str, rows: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """`producer`'s (event type, envelope as JSON) rows in the order they were written, as the keyword arguments
    of kombu's `Producer.publish`: each type's events together, `EVENTS_PER_MESSAGE` at most, where
    the type may go so; one a message otherwise."""
    kinds: dict[str, list[str]] = {}
    for event_type, payload in rows:
        kinds.setdefault(event_type, []).append(payload)
    published: list[dict[str, Any]] = []
    for event_type, payloads in kinds.items():
        if not goes_with_others(REGISTRY.get((producer, event_type))):
            published.extend(_one(event_type, payload) for payload in payloads)
            continue
        for start in range(0, len(payloads), EVENTS_PER_MESSAGE):
            together = payloads[start : start + EVENTS_PER_MESSAGE]
            published.append(_one(event_type, together[0]) if len(together) == 1 else _several(event_type, together))
    return published


def _one(event_type: str, payload: str) -> dict[str, Any]:
    return _message(event_type, payload, context_headers(json.loads(payload)))


def _several(event_type: str, payloads: Sequence[str]) -> dict[str, Any]:
    return _message(event_type, "[" + ",".join(payloads) + "]", {EVENTS_HEADER: len(payloads)})


def _message(event_type: str, body: str, headers: dict[str, Any]) -> dict[str, Any]:
    return {
        "body": body,
        "routing_key": event_type,
        "headers": headers,
        "content_type": "application/json",
        "content_encoding": "utf-8",
    }


def carries_several(headers: Mapping[str, Any] | None) -> bool:
    return EVENTS_HEADER in (headers or {})


def envelopes(body: Any, headers: Mapping[str, Any] | None) -> list[Any]:
    """The events of a message, as its consumer's decoding gave its body (for whoever reads the bus
    beside the handlers: tests, tools)."""
    return list(body) if carries_several(headers) and isinstance(body, list) else [body]
