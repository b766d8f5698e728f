"""Sending what waits in `mails`: a failure is tried again after growing delays, then given up."""
import datetime as dt
import json
import logging

from sqlalchemy import select

from notifications.adapters.mailer import message_of
from notifications.adapters.orm import Mail

log = logging.getLogger(__name__)
RETRY_DELAYS_SECONDS = (10, 60, 300, 1800, 7200)  # then the mail is `failed`: about 2.6 hours in all
SEND_BATCH = 50
ERROR_MAX = 500


def send_pending(uow, postbox, now):
    """Send what is due, `SEND_BATCH` at a time, until nothing is; how many were sent."""
    sent = 0
    with postbox.sending:
        while True:
            done, count = _send_batch(uow, postbox, now)
            sent += count
            if done:
                return sent


def _send_batch(uow, postbox, now):
    with uow:
        due = uow.session.scalars(
            select(Mail).where(Mail.status == "pending", Mail.next_attempt_at <= now)
            .order_by(Mail.next_attempt_at, Mail.id).limit(SEND_BATCH).with_for_update(skip_locked=True)
        ).all()
        sent = 0
        for mail in due:
            fields = {"id": mail.id, "recipients": json.loads(mail.recipients), "subject": mail.subject,
                      "text": mail.text, "html": mail.html, "created_at": mail.created_at}
            try:
                postbox.transport.send(fields, message_of(fields, postbox.sender))
            except Exception as exc:  # noqa: BLE001 - any failure of the server or the disk: tried again
                _failed(mail, now, exc)
                continue
            mail.status, mail.sent_at, mail.attempts, mail.text, mail.html = "sent", now, mail.attempts + 1, "", ""
            sent += 1
        uow.commit()
        return len(due) < SEND_BATCH or sent == 0, sent


def _failed(mail, now, exc):
    mail.attempts += 1
    mail.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX]
    if mail.attempts > len(RETRY_DELAYS_SECONDS):
        mail.status = "failed"
        log.error("mail %s given up after %d tries: %s", mail.id, mail.attempts, mail.last_error)
        return
    mail.next_attempt_at = now + dt.timedelta(seconds=RETRY_DELAYS_SECONDS[mail.attempts - 1])
    log.warning("mail %s not sent (try %d), again at %s: %s", mail.id, mail.attempts, mail.next_attempt_at,
                mail.last_error)
