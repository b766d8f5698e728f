"""A partner's webhooks: made with a secret shown once, at most twenty, found only by their partner,
changes recorded by what changed, and what waited for one given up when it is switched off or gone."""

import pytest
from sqlalchemy import func, select

from portal_common.errors import Conflict, NotFound, ValidationFailed
from portal_common.schemas import load
from portal_common.schemas import notifications as api

from notifications.adapters.orm import Attempt, Delivery
from notifications.domain.webhooks import WEBHOOKS_PER_PARTNER
from notifications.usecases import deliveries, webhooks
from services.notifications.tests.usecases.entrypoints import (
    NOW,
    OTHER_PARTNER,
    PARTNER,
    PORTAL_URL,
    add_webhook,
    announce,
    change_webhook,
    deliveries_of,
)

FIRST_PAGE = {"limit": 50, "cursor": None}


def test_a_webhook_is_made_switched_on_and_its_secret_is_shown_only_then(uow):
    created = add_webhook(uow, events=("order.placed", "account.created"))

    assert created["active"] and created["secret"].startswith("whsec_")
    shown = {key: value for key, value in created.items() if key != "secret"}
    assert webhooks.get(uow, PARTNER, created["id"]) == shown
    assert webhooks.list_webhooks(uow, PARTNER, FIRST_PAGE)["items"] == [shown]
    assert uow.activity() == [("webhook.created", "Added a webhook for order.placed, account.created")]
    [entry] = uow.events("notifications_activity")
    assert (entry["target_name"], entry["actor"]) == ("127.0.0.1", "employee-1")  # the host: no token of its URL


def test_a_partner_keeps_at_most_twenty_webhooks(uow):
    for _ in range(WEBHOOKS_PER_PARTNER):
        add_webhook(uow)

    with pytest.raises(Conflict, match="At most 20 webhooks"):
        add_webhook(uow)
    add_webhook(uow, caller=OTHER_PARTNER)
    assert len(webhooks.list_webhooks(uow, PARTNER, FIRST_PAGE)["items"]) == WEBHOOKS_PER_PARTNER


def test_the_webhooks_come_a_page_at_a_time_in_the_order_they_were_added(uow):
    added = [add_webhook(uow)["id"] for _ in range(5)]
    first = webhooks.list_webhooks(uow, PARTNER, {"limit": 2, "cursor": None})
    second = webhooks.list_webhooks(uow, PARTNER, {"limit": 2, "cursor": first["next_cursor"]})
    last = webhooks.list_webhooks(uow, PARTNER, {"limit": 2, "cursor": second["next_cursor"]})
    assert [hook["id"] for page in (first, second, last) for hook in page["items"]] == added
    assert first["next_cursor"] and second["next_cursor"] and last["next_cursor"] is None


def test_a_url_inside_the_network_is_refused_unless_private_ones_are_allowed(uow):
    data = load(api.WebhookCreateRequest, {"url": "https://127.0.0.1/hook", "events": ["order.placed"]})
    with pytest.raises(ValidationFailed):
        webhooks.create(uow, NOW, PARTNER, data, False)
    kept = add_webhook(uow)
    with pytest.raises(ValidationFailed):
        webhooks.change(uow, NOW, PARTNER, kept["id"], {"url": "https://10.0.0.1/hook"}, False)

    assert webhooks.get(uow, PARTNER, kept["id"])["url"] == kept["url"]
    assert [entry_type for entry_type, _ in uow.activity()] == ["webhook.created"]


def test_another_partners_webhook_is_not_found(uow):
    webhook_id = add_webhook(uow)["id"]

    with pytest.raises(NotFound):
        webhooks.get(uow, OTHER_PARTNER, webhook_id)
    with pytest.raises(NotFound):
        change_webhook(uow, webhook_id, {"active": False}, caller=OTHER_PARTNER)
    with pytest.raises(NotFound):
        webhooks.send_test(uow, NOW, OTHER_PARTNER, webhook_id)
    with pytest.raises(NotFound):
        deliveries_of(uow, webhook_id, caller=OTHER_PARTNER)
    with pytest.raises(NotFound):
        webhooks.remove(uow, NOW, OTHER_PARTNER, webhook_id)
    assert webhooks.get(uow, PARTNER, webhook_id)["active"]
    assert webhooks.list_webhooks(uow, OTHER_PARTNER, FIRST_PAGE)["items"] == []


def test_a_change_is_recorded_by_what_changed_and_not_at_all_when_nothing_did(uow):
    webhook_id = add_webhook(uow)["id"]
    body = {"events": ["order.placed", "trial.ending"], "description": "Our ticket system"}

    changed = change_webhook(uow, webhook_id, body)
    change_webhook(uow, webhook_id, body)
    change_webhook(uow, webhook_id, {"active": False})
    change_webhook(uow, webhook_id, {"active": True})

    assert (changed["events"], changed["description"]) == (body["events"], body["description"])
    assert uow.activity()[1:] == [
        ("webhook.updated", "Changed the webhook's events, description"),
        ("webhook.updated", "Switched the webhook off"),
        ("webhook.updated", "Switched the webhook on"),
    ]


def test_a_webhook_switched_off_gives_up_what_waited_for_it_and_gets_nothing_new(uow):
    webhook_id = add_webhook(uow)["id"]
    announce(uow, "msg_1")

    change_webhook(uow, webhook_id, {"active": False})
    announce(uow, "msg_2")

    [given_up] = deliveries_of(uow, webhook_id)["items"]
    assert (given_up["event_id"], given_up["status"], given_up["next_attempt_at"]) == ("msg_1", "failed", None)
    assert deliveries.claim_due(uow, NOW, set(), 10) == []
    with pytest.raises(Conflict, match="switched off"):
        webhooks.send_test(uow, NOW, PARTNER, webhook_id)


def test_removing_a_webhook_removes_its_deliveries_and_their_tries(uow):
    webhook_id = add_webhook(uow)["id"]
    announce(uow, "msg_1")
    announce(uow, "msg_2")
    [(delivery_id, *_)] = deliveries.claim_due(uow, NOW, set(), 10)
    deliveries.record(uow, NOW, delivery_id, 500, None, (5,), PORTAL_URL)

    webhooks.remove(uow, NOW, PARTNER, webhook_id)

    with pytest.raises(NotFound):
        webhooks.get(uow, PARTNER, webhook_id)
    assert uow.activity()[-1] == ("webhook.deleted", "Removed the webhook")
    with uow:
        assert [uow.session.scalar(select(func.count()).select_from(row)) for row in (Delivery, Attempt)] == [0, 0]
    assert (
        deliveries.record(uow, NOW, delivery_id, 200, None, (5,), PORTAL_URL) is None
    )  # a try that was in flight reports back
