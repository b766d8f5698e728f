"""What the outbox relay publishes: events of one type waiting together go in one message, as many as
`EVENTS_PER_MESSAGE`; an event alone, or of a type a broadcast queue reads, is a message of its own
with its request's context in the headers."""

import json

from portal_common.clock import utc_now
from portal_common.event_messages import (
    EVENTS_HEADER,
    EVENTS_PER_MESSAGE,
    envelopes,
    goes_with_others,
    messages,
)
from portal_common.events import ACCESS_CHANGED, ACCOUNT_CREATED, COMPUTER_REMOVED, REGISTRY, checked


def account_created(n, request_id=None):
    payload = ACCOUNT_CREATED.envelope(
        f"a{n}",
        1,
        utc_now(),
        actor="e1",
        request_id=request_id,
        partner_id="p1",
        name="Contoso",
        administered=True,
        released=False,
        item={"id": f"a{n}", "name": "Contoso"},
    )
    return "account_created", json.dumps(checked(ACCOUNT_CREATED, payload))


def computer_removed(n):
    payload = COMPUTER_REMOVED.envelope(
        f"c{n}",
        2,
        utc_now(),
        account_id="a1",
        partner_id="p1",
        name="PC",
        kind="workstation",
        agent_key_hash="h",
        created_at="2026-12-01T00:00:00Z",
        removed=True,
    )
    return "computer_removed", json.dumps(checked(COMPUTER_REMOVED, payload))


def test_events_of_one_type_waiting_together_travel_in_one_message_in_the_order_written():
    rows = [account_created(n) for n in range(3)]
    (message,) = messages("accounts", rows)
    assert message["routing_key"] == "account_created"
    assert message["headers"] == {EVENTS_HEADER: 3}
    body = json.loads(message["body"])
    assert [event["id"] for event in body] == ["a0", "a1", "a2"]
    assert envelopes(body, message["headers"]) == body


def test_a_message_carries_at_most_its_limit_of_events():
    rows = [account_created(n) for n in range(EVENTS_PER_MESSAGE * 2 + 1)]
    published = messages("accounts", rows)
    assert [message["headers"].get(EVENTS_HEADER) for message in published] == [EVENTS_PER_MESSAGE] * 2 + [None]
    ids = [event["id"] for message in published for event in envelopes(json.loads(message["body"]), message["headers"])]
    assert ids == [f"a{n}" for n in range(EVENTS_PER_MESSAGE * 2 + 1)]


def test_an_event_alone_is_a_message_as_before_with_its_request_in_the_headers():
    (message,) = messages("accounts", [account_created(1, request_id="r1")])
    assert message["headers"] == {"nameko.request_id": "r1", "nameko.actor_id": "e1", "nameko.partner_id": "p1"}
    assert json.loads(message["body"])["id"] == "a1"
    assert envelopes(json.loads(message["body"]), message["headers"]) == [json.loads(message["body"])]


def test_events_a_broadcast_queue_reads_stay_one_a_message_beside_the_others():
    rows = [computer_removed(1), account_created(1), computer_removed(2), account_created(2)]
    published = messages("accounts", rows)
    assert [(message["routing_key"], message["headers"].get(EVENTS_HEADER)) for message in published] == [
        ("computer_removed", None),
        ("computer_removed", None),
        ("account_created", 2),
    ]
    assert not goes_with_others(COMPUTER_REMOVED) and not goes_with_others(ACCESS_CHANGED)
    assert goes_with_others(ACCOUNT_CREATED)
    assert not goes_with_others(None)  # a type the registry does not know


def test_only_types_every_consumer_of_which_is_a_handler_here_go_together():
    for event_type in REGISTRY.values():
        assert goes_with_others(event_type) == (len(event_type.queues) == len(event_type.consumers)), event_type.name
