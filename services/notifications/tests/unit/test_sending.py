"""What waits in `mails` is sent once, tried again after a failure at growing delays, then given up."""
import datetime as dt
import json

import pytest
from sqlalchemy.orm import sessionmaker

from portal_common import migrate
from portal_common.db import make_engine
from portal_common.unit_of_work import UnitOfWork
from tests.harness import ROOT

from notifications.adapters.orm import Mail, outbox
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
    yield UnitOfWork(sessionmaker(bind=engine, expire_on_commit=False), outbox)
    engine.dispose()


def waiting(uow, *ids):
    with uow:
        for mail_id in ids:
            uow.session.add(Mail(id=mail_id, partner_id="p1", recipients=json.dumps(["ann@acme.test"]),
                                 subject="s", text="t", html="h", created_at=NOW, status="pending", attempts=0,
                                 next_attempt_at=NOW))
        uow.commit()


def row(uow, mail_id):
    with uow:
        return uow.session.get(Mail, mail_id)


def test_each_mail_is_sent_once_and_its_body_dropped(uow):
    waiting(uow, "m1", "m2")
    postbox = Postbox(FlakyTransport(0), "portal@localhost", "http://127.0.0.1:8000")
    assert sending.send_pending(uow, postbox, NOW) == 2
    assert sending.send_pending(uow, postbox, NOW) == 0
    assert postbox.transport.sent == ["m1", "m2"]
    sent = row(uow, "m1")
    assert (sent.status, sent.sent_at, sent.attempts, sent.text, sent.html) == ("sent", NOW, 1, "", "")


def test_a_failure_is_tried_again_after_growing_delays_then_given_up(uow):
    waiting(uow, "m1")
    postbox = Postbox(FlakyTransport(len(sending.RETRY_DELAYS_SECONDS) + 1), "portal@localhost", "http://x")
    now = NOW
    for delay in sending.RETRY_DELAYS_SECONDS:
        assert sending.send_pending(uow, postbox, now) == 0
        mail = row(uow, "m1")
        assert mail.status == "pending" and mail.next_attempt_at == now + dt.timedelta(seconds=delay)
        assert mail.last_error == "ConnectionRefusedError: the server is down"
        assert sending.send_pending(uow, postbox, now + dt.timedelta(seconds=delay - 1)) == 0  # not due yet
        now += dt.timedelta(seconds=delay)
    assert sending.send_pending(uow, postbox, now) == 0
    assert row(uow, "m1").status == "failed"
    assert sending.send_pending(uow, postbox, now + dt.timedelta(days=1)) == 0
    assert postbox.transport.sent == []


def test_a_mail_that_failed_once_is_sent_at_its_next_try(uow):
    waiting(uow, "m1")
    postbox = Postbox(FlakyTransport(1), "portal@localhost", "http://x")
    sending.send_pending(uow, postbox, NOW)
    assert sending.send_pending(uow, postbox, NOW + dt.timedelta(seconds=sending.RETRY_DELAYS_SECONDS[0])) == 1
    assert row(uow, "m1").attempts == 2 and postbox.transport.sent == ["m1"]
