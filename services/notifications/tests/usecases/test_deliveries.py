"""Deliveries of events to webhooks: to the partner's endpoints that asked for the type, listed
newest first, and an endpoint whose last twenty events all failed switched off by the system."""

from portal_common.events import iso

from notifications.domain.webhooks import DISABLE_AFTER_FAILED_EVENTS
from notifications.usecases import deliveries, webhooks
from services.notifications.tests.usecases.entrypoints import (
    CONTACT,
    HOOK_URL,
    NOW,
    OTHER_PARTNER,
    PARTNER,
    PORTAL_URL,
    add_webhook,
    announce,
    company,
    deliveries_of,
    mailed,
)

NO_RETRIES = ()  # a delivery fails at its first failed try


def event_ids(uow, webhook_id, caller=PARTNER):
    return [item["event_id"] for item in deliveries_of(uow, webhook_id, caller)["items"]]


def test_an_event_goes_once_to_each_of_its_partners_webhooks_that_asked_for_its_type(uow):
    orders = add_webhook(uow, events=("order.placed",))["id"]
    accounts = add_webhook(uow, events=("account.created",))["id"]
    elsewhere = add_webhook(uow, events=("order.placed",), caller=OTHER_PARTNER)["id"]

    assert announce(uow, "msg_1") == 1  # queued: the sender is woken at once
    assert announce(uow, "msg_1") == 0  # the same event, delivered again: nothing new to send
    assert announce(uow, "msg_9", partner_id="nobody") == 0  # no endpoint: the sender is left asleep

    assert event_ids(uow, orders) == ["msg_1"]
    assert event_ids(uow, accounts) == event_ids(uow, elsewhere, OTHER_PARTNER) == []
    [delivery] = deliveries_of(uow, orders)["items"]
    assert (delivery["type"], delivery["status"], delivery["next_attempt_at"]) == ("order.placed", "pending", NOW)


def test_a_test_event_goes_to_its_webhook_whatever_types_it_asked_for_signed_with_its_secret(uow):
    created = add_webhook(uow, events=("order.placed",))

    webhooks.send_test(uow, NOW, PARTNER, created["id"])

    [(_, webhook_id, url, secret, event_id, body)] = deliveries.claim_due(uow, NOW, set(), 10)
    assert (webhook_id, url, secret) == (created["id"], HOOK_URL, created["secret"])
    assert body == f'{{"type":"webhook.test","timestamp":"{iso(NOW)}","data":{{"webhook_id":"{webhook_id}"}}}}'
    assert event_ids(uow, webhook_id) == [event_id]


def test_deliveries_are_listed_newest_first_a_page_at_a_time(uow):
    webhook_id = add_webhook(uow)["id"]
    for n in (1, 2, 3):
        announce(uow, f"msg_{n}")

    first = deliveries_of(uow, webhook_id, limit=2)
    last = deliveries_of(uow, webhook_id, limit=2, cursor=first["next_cursor"])

    assert [item["event_id"] for item in first["items"] + last["items"]] == ["msg_3", "msg_2", "msg_1"]
    assert last["next_cursor"] is None


def test_a_webhook_whose_last_twenty_events_failed_is_switched_off_by_the_system_and_its_contact_told(uow):
    company(uow)
    webhook_id = add_webhook(uow)["id"]
    for n in range(DISABLE_AFTER_FAILED_EVENTS + 1):
        announce(uow, f"msg_{n:02}")
    oldest_first = [item["id"] for item in reversed(deliveries_of(uow, webhook_id)["items"])]
    *first, last = oldest_first[:DISABLE_AFTER_FAILED_EVENTS]
    system = uow.as_system()

    for delivery_id in first:
        assert deliveries.record(system, NOW, delivery_id, 500, None, NO_RETRIES, PORTAL_URL) == "failed"
    assert webhooks.get(uow, PARTNER, webhook_id)["active"]
    deliveries.record(system, NOW, last, None, "timeout", NO_RETRIES, PORTAL_URL)

    assert not webhooks.get(uow, PARTNER, webhook_id)["active"]
    assert deliveries_of(uow, webhook_id)["items"][0]["status"] == "failed"  # the one still waiting: given up
    summary = f"Switched the webhook off: its last {DISABLE_AFTER_FAILED_EVENTS} events all failed"
    assert uow.activity()[-1] == ("webhook.updated", summary)
    assert uow.events("notifications_activity")[-1]["actor"] is None
    assert mailed(uow) == [([CONTACT], "[Acme IT] A webhook of yours was switched off")]
