"""What waits in `mails` is sent once, tried again after a failure at growing delays, then given up."""

import datetime as dt
import json

import pytest
from sqlalchemy.orm import sessionmaker

from portal_common import migrate
from portal_common.clock import FakeClock
from portal_common.db import make_engine
from tests.harness import ROOT

from notifications.adapters.orm import Mail, outbox
from notifications.adapters.unit_of_work import NotificationsUnitOfWork
from notifications.dependencies import Postbox
from notifications.usecases import mail as sending

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)


class FlakyTransport:
    def __init__(self, failures):
        self.failures, self.sent = failures, []

    def send(self, mail, message):
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError("the server is down")
        self.sent.append(mail["id"])


@pytest.fixture
def uow(tmp_path):
    uri = f"sqlite:///{tmp_path / 'notifications.db'}"
    migrate.upgrade(ROOT / "services" / "notifications", uri)
    engine = make_engine(uri)
    yield NotificationsUnitOfWork(sessionmaker(bind=engine, expire_on_commit=False), outbox)
    engine.dispose()


def waiting(uow, *ids, send_before=None):
    with uow:
        for mail_id in ids:
            uow.mails.add(
                Mail(
                    id=mail_id,
                    partner_id="p1",
                    recipients=json.dumps(["ann@acme.test"]),
                    subject="s",
                    text="t",
                    html="h",
                    created_at=NOW,
                    status="pending",
                    attempts=0,
                    next_attempt_at=NOW,
                    send_before=send_before,
                )
            )
        uow.commit()


def postbox_with(transport):
    return Postbox(transport, "portal@localhost", "http://127.0.0.1:8000", spawn=None)


def row(uow, mail_id):
    with uow:
        return uow.mails.get(mail_id)


def test_each_mail_is_sent_once_and_its_body_dropped(uow):
    waiting(uow, "m1", "m2")
    postbox, clock = postbox_with(FlakyTransport(0)), FakeClock(NOW)
    assert sending.send_pending(uow, postbox, clock) == 2
    assert sending.send_pending(uow, postbox, clock) == 0
    assert postbox.transport.sent == ["m1", "m2"]
    sent = row(uow, "m1")
    assert (sent.status, sent.sent_at, sent.attempts, sent.text, sent.html) == ("sent", NOW, 1, "", "")


def test_a_failure_is_tried_again_after_growing_delays_then_given_up_and_its_body_dropped(uow):
    waiting(uow, "m1")
    postbox, clock = postbox_with(FlakyTransport(len(sending.RETRY_DELAYS_SECONDS) + 1)), FakeClock(NOW)
    for delay in sending.RETRY_DELAYS_SECONDS:
        assert sending.send_pending(uow, postbox, clock) == 0
        mail = row(uow, "m1")
        assert mail.status == "pending" and mail.next_attempt_at == clock.now() + dt.timedelta(seconds=delay)
        assert mail.last_error == "ConnectionRefusedError: the server is down"
        clock.advance(seconds=delay - 1)
        assert sending.send_pending(uow, postbox, clock) == 0  # not due yet
        clock.advance(seconds=1)
    assert sending.send_pending(uow, postbox, clock) == 0
    given_up = row(uow, "m1")
    assert (given_up.status, given_up.text, given_up.html) == ("failed", "", "")
    clock.advance(days=1)
    assert sending.send_pending(uow, postbox, clock) == 0
    assert postbox.transport.sent == []


def test_a_mail_that_failed_once_is_sent_at_its_next_try(uow):
    waiting(uow, "m1")
    postbox, clock = postbox_with(FlakyTransport(1)), FakeClock(NOW)
    sending.send_pending(uow, postbox, clock)
    clock.advance(seconds=sending.RETRY_DELAYS_SECONDS[0])
    assert sending.send_pending(uow, postbox, clock) == 1
    assert row(uow, "m1").attempts == 2 and postbox.transport.sent == ["m1"]


def test_a_link_is_not_mailed_after_its_end(uow):
    waiting(uow, "m1", send_before=NOW + dt.timedelta(minutes=30))
    postbox, clock = postbox_with(FlakyTransport(1)), FakeClock(NOW)
    sending.send_pending(uow, postbox, clock)
    clock.advance(hours=1)
    assert sending.send_pending(uow, postbox, clock) == 0
    mail = row(uow, "m1")
    assert (mail.status, mail.text, postbox.transport.sent) == ("failed", "", [])


def test_a_mail_being_sent_is_not_taken_by_another_sender(uow):
    waiting(uow, "m1")
    assert len(sending._claim(uow, NOW)) == 1
    assert sending._claim(uow, NOW) == []  # leased
    assert len(sending._claim(uow, NOW + sending.LEASE)) == 1  # the first sender died: due again
