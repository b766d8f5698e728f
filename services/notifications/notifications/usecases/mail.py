"""Sending what waits in `mails`: each mail claimed in a short transaction (leased, so two senders
never take the same one and a sender that dies leaves it due again), sent outside any transaction,
and its outcome recorded on its own. A failure is tried again after growing delays, then given up;
a mail with a link is not sent after the link's end. A body is dropped once the mail is done."""

import datetime as dt
import json
import logging
from typing import Any

from portal_common.ids import new_id

from notifications.adapters.mailer import SMTP_TIMEOUT_SECONDS, message_of
from notifications.adapters.orm import Mail
from notifications.adapters.unit_of_work import NotificationsUnitOfWork
from notifications.domain import mails

log = logging.getLogger(__name__)
RETRY_DELAYS_SECONDS = (10, 60, 300, 1800, 7200)  # then the mail is `failed`: about 2.6 hours in all
SEND_BATCH = 50
ERROR_MAX = 500
LEASE = dt.timedelta(seconds=SMTP_TIMEOUT_SECONDS * 3)  # a claimed mail's send, with room to spare


def post(
    uow: NotificationsUnitOfWork,
    now: dt.datetime,
    partner_id: str,
    recipients: list[str],
    mail: mails.Mail,
    mail_id: str | None = None,
    send_before: dt.datetime | None = None,
) -> None:
    """Put a composed mail (`domain.mails.Mail`) in the `mails` table, due at once; the sender takes
    it from there. In the caller's transaction."""
    uow.mails.add(
        Mail(
            id=mail_id or new_id(),
            partner_id=partner_id,
            recipients=json.dumps(list(recipients)),
            subject=mail.subject,
            text=mail.text,
            html=mail.html,
            created_at=now,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            send_before=send_before,
        )
    )


def send_pending(uow: NotificationsUnitOfWork, postbox: Any, clock: Any) -> Any:
    """Send what is due until nothing is; how many were sent."""
    sent = 0
    while True:
        claimed = _claim(uow, clock.now())
        for mail in claimed:
            sent += _send(uow, postbox, clock, mail)
        if len(claimed) < SEND_BATCH:
            return sent


def _claim(uow, now):
    with uow:
        due = uow.mails.due(now, SEND_BATCH)
        claimed = []
        for mail in due:
            if mail.send_before is not None and mail.send_before <= now:
                _give_up(mail, "its link ended before it could be sent")
                continue
            mail.next_attempt_at = now + LEASE
            claimed.append(
                {
                    "id": mail.id,
                    "recipients": json.loads(mail.recipients),
                    "subject": mail.subject,
                    "text": mail.text,
                    "html": mail.html,
                    "created_at": mail.created_at,
                }
            )
        uow.commit()
        return claimed


def _send(uow, postbox, clock, fields):
    try:
        postbox.transport.send(fields, message_of(fields, postbox.sender))
        error = None
    except Exception as exc:  # noqa: BLE001 - any failure of the server or the disk: tried again
        error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX]
    now = clock.now()
    with uow:
        mail = uow.mails.get(fields["id"], for_update=True)
        mail.attempts += 1
        if error is None:
            mail.status, mail.sent_at, mail.text, mail.html = "sent", now, "", ""
        else:
            _failed(mail, now, error)
        uow.commit()
    return error is None


def _failed(mail, now, error):
    mail.last_error = error
    if mail.attempts > len(RETRY_DELAYS_SECONDS):
        _give_up(mail, error)
        return
    mail.next_attempt_at = now + dt.timedelta(seconds=RETRY_DELAYS_SECONDS[mail.attempts - 1])
    log.warning("mail %s not sent (try %d), again at %s: %s", mail.id, mail.attempts, mail.next_attempt_at, error)


def _give_up(mail, why):
    mail.status, mail.text, mail.html = "failed", "", ""
    mail.last_error = why[:ERROR_MAX]
    log.error("mail %s given up after %d tries: %s", mail.id, mail.attempts, why)
