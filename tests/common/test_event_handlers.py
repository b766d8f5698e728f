"""The retry schedule an operator configures, the queues the dead-letter tool looks in, and when a
message of several events is settled."""

import pytest
from nameko.containers import ContainerBeingKilled

from portal_common.dead_letters import all_handler_queues
from portal_common.event_handlers import DEFAULT_RETRY_DELAYS, ReliableEventHandler, retry_delays, retry_queue
from portal_common.event_messages import EVENTS_HEADER
from portal_common.events import ACCOUNT_CREATED


def test_the_retry_delays_come_from_the_config_in_any_form_yaml_gives():
    assert retry_delays({}) == tuple(float(delay) for delay in DEFAULT_RETRY_DELAYS)
    assert retry_delays({"EVENT_RETRY_DELAYS": "0.2, 1,30"}) == (0.2, 1.0, 30.0)
    assert retry_delays({"EVENT_RETRY_DELAYS": 5}) == (5.0,)
    assert retry_delays({"EVENT_RETRY_DELAYS": [1, 2]}) == (1.0, 2.0)
    for bad in ("1,-1", "0", "soon"):
        with pytest.raises(ValueError):
            retry_delays({"EVENT_RETRY_DELAYS": bad})


def test_a_delay_queue_sends_its_messages_back_to_the_handler_after_the_delay():
    queue = retry_queue("evt-accounts-account_created--monitoring.on_account_created", 1.5)
    assert queue.name == "evt-accounts-account_created--monitoring.on_account_created.retry-1.5s"
    assert queue.queue_arguments == {
        "x-message-ttl": 1500,
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": "evt-accounts-account_created--monitoring.on_account_created",
    }


def test_the_dead_letter_tool_knows_every_handler_queue_as_nameko_names_it():
    queues = all_handler_queues()
    assert "evt-gateway-agent_reports_received--monitoring.on_agent_reports_received" in queues
    assert "evt-billing-subscription_changed--accounts.on_subscription_changed" in queues
    assert "evt-accounts-account_released--billing.on_account_released" in queues
    assert "evt-monitoring-computer_status_changed--notifications.on_computer_status_changed" in queues
    assert len(queues) == len(set(queues))  # how many: tests/test_event_registry.py counts the handlers


class FakeMessage:
    headers = {EVENTS_HEADER: 3}
    content_type, content_encoding = "application/json", "utf-8"


class FakeContainer:
    """Runs a worker at once and answers it returned, until the service is being killed."""

    service_name = "listener"

    def __init__(self, killed_from):
        self.spawned, self.killed_from = [], killed_from

    def spawn_worker(self, entrypoint, args, kwargs, context_data=None, handle_result=None):
        if len(self.spawned) == self.killed_from:
            raise ContainerBeingKilled()
        self.spawned.append((args[0]["id"], context_data))
        handle_result(None, None, None)


class FakeQueueConsumer:
    def __init__(self):
        self.settled = []

    def ack_message(self, message):
        self.settled.append("ack")

    def requeue_message(self, message):
        self.settled.append("requeue")


def handler_in(container):
    handler = ReliableEventHandler(ACCOUNT_CREATED)
    handler.container, handler.queue_consumer = container, FakeQueueConsumer()
    return handler


def several(*ids):
    return [{"id": entity_id, "request_id": "r-" + entity_id} for entity_id in ids]


def test_a_message_of_several_events_is_acknowledged_once_after_each_has_had_its_worker():
    handler = handler_in(FakeContainer(killed_from=None))
    handler.handle_message(several("a1", "a2", "a3"), FakeMessage())
    assert handler.container.spawned == [(name, {"request_id": "r-" + name}) for name in ("a1", "a2", "a3")]
    assert handler.queue_consumer.settled == ["ack"]


def test_a_message_of_several_events_goes_back_whole_when_the_service_stops_half_way():
    """Not acknowledged: the events that had no worker come again (and those that had, idempotently)."""
    handler = handler_in(FakeContainer(killed_from=1))
    handler.handle_message(several("a1", "a2", "a3"), FakeMessage())
    assert [name for name, _ in handler.container.spawned] == ["a1"]
    assert handler.queue_consumer.settled == ["requeue"]
