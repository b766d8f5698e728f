"""Mail an employee their single-use link: once per event however often it arrives (the mail's id
is the event's)."""
import datetime as dt
import json

from sqlalchemy.exc import IntegrityError

from notifications.adapters.orm import Mail, Partner

UNKNOWN_COMPANY = "your company"  # a partner signed up before notifications heard of companies


def mail_link(uow, now, event, compose, portal_url):
    with uow:
        if uow.session.get(Mail, event["event_id"]) is not None:
            return
        partner = uow.session.get(Partner, event["partner_id"])
        mail = compose(partner.name if partner else UNKNOWN_COMPANY, event, portal_url)
        uow.session.add(Mail(
            id=event["event_id"], partner_id=event["partner_id"], recipients=json.dumps([event["email"]]),
            subject=mail.subject, text=mail.text, html=mail.html, created_at=now, status="pending", attempts=0,
            next_attempt_at=now, send_before=_time(event["expires_at"])))
        try:
            uow.commit()
        except IntegrityError:  # the same event, handled by another worker a moment ago
            pass


def _time(value):
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
