"""The retry schedule an operator configures, and the queues the dead-letter tool looks in."""

import pytest

from portal_common.dead_letters import all_handler_queues
from portal_common.event_handlers import DEFAULT_RETRY_DELAYS, retry_delays, retry_queue


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
