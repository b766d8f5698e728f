"""Deliveries are claimed one at a time per endpoint, leased while in flight (a sender that dies
leaves them due again: a restart retries them), and recorded try by try."""

import datetime as dt
import json

import pytest
from sqlalchemy.orm import sessionmaker

from portal_common import migrate
from portal_common.db import make_engine
from tests.harness import ROOT

from notifications.adapters.orm import Delivery, Webhook, outbox
from notifications.adapters.unit_of_work import NotificationsUnitOfWork
from notifications.usecases import deliveries, webhooks

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)
DELAYS = (5, 60)


@pytest.fixture
def uow(tmp_path):
    uri = f"sqlite:///{tmp_path / 'notifications.db'}"
    migrate.upgrade(ROOT / "services" / "notifications", uri)
    engine = make_engine(uri)
    yield NotificationsUnitOfWork(sessionmaker(bind=engine, expire_on_commit=False), outbox)
    engine.dispose()


def endpoint(uow, webhook_id, events=("webhook.test",)):
    with uow:
        uow.webhooks.add(
            Webhook(
                id=webhook_id,
                partner_id="p1",
                url=f"https://{webhook_id}.example/",
                active=True,
                events=json.dumps(list(events)),
                description=None,
                secret="whsec_c2VjcmV0",
                created_at=NOW,
            )
        )
        uow.commit()


def events(uow, *event_ids, event_type="webhook.test"):
    with uow:
        for event_id in event_ids:
            webhooks.enqueue(uow, NOW, "p1", event_type, event_id, {"n": event_id})
        uow.commit()


def delivery(uow, event_id):
    with uow:
        return uow.session.query(Delivery).filter_by(event_id=event_id).one()


def test_an_event_is_one_delivery_per_endpoint_that_asked_for_it_however_often_it_comes(uow):
    endpoint(uow, "w1")
    endpoint(uow, "w2", events=("order.placed",))
    events(uow, "e1", "e1")
    events(uow, "e2", event_type="order.placed")
    with uow:
        rows = uow.session.query(Delivery.webhook_id, Delivery.event_id).order_by(Delivery.event_id).all()
    assert rows == [("w1", "e1"), ("w2", "e2")]


def test_one_delivery_at_a_time_per_endpoint_and_none_of_a_busy_one(uow):
    endpoint(uow, "w1")
    endpoint(uow, "w2")
    events(uow, "e1", "e2")
    claimed = deliveries.claim_due(uow, NOW, busy=set(), most=10)
    assert sorted((row[1], row[4]) for row in claimed) == [("w1", "e1"), ("w2", "e1")]
    assert deliveries.claim_due(uow, NOW, busy={"w1", "w2"}, most=10) == []


def test_a_try_that_never_reports_back_is_due_again_once_its_lease_is_over(uow):
    endpoint(uow, "w1")
    events(uow, "e1")
    [claimed] = deliveries.claim_due(uow, NOW, busy=set(), most=10)
    # The sender dies here (a restart): nothing is due until the lease is over, then it is.
    assert deliveries.claim_due(uow, NOW + dt.timedelta(seconds=5), busy=set(), most=10) == []
    [again] = deliveries.claim_due(uow, NOW + deliveries.LEASE, busy=set(), most=10)
    assert again[0] == claimed[0]


def test_each_try_is_recorded_then_the_delivery_retried_delivered_or_failed(uow):
    endpoint(uow, "w1")
    events(uow, "ok", "bad")
    deliveries.record(uow, NOW, delivery(uow, "ok").id, 500, None, DELAYS, "http://x")
    assert delivery(uow, "ok").next_attempt_at == NOW + dt.timedelta(seconds=5)
    deliveries.record(uow, NOW, delivery(uow, "ok").id, 204, None, DELAYS, "http://x")
    done = delivery(uow, "ok")
    assert (done.status, done.attempts, done.response_status, done.delivered_at) == ("delivered", 2, 204, NOW)
    for _ in range(3):
        deliveries.record(uow, NOW, delivery(uow, "bad").id, None, "ConnectionRefusedError: x", DELAYS, "http://x")
    failed = delivery(uow, "bad")
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 3, "ConnectionRefusedError: x")
    deliveries.record(uow, NOW, failed.id, 200, None, DELAYS, "http://x")  # a late report changes nothing
    assert delivery(uow, "bad").status == "failed"
