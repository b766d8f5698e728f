"""The single-use links identity's events carry: mailed once per event, never after the link ends,
in the name of the company when it is known."""

import datetime as dt

from portal_common.events import EMPLOYEE_INVITED, PASSWORD_RESET_REQUESTED, iso
from tests.bus import event

from notifications.domain import employee_mails
from notifications.usecases import links
from services.notifications.tests.usecases.entrypoints import NOW, PORTAL_URL, company, mailed

EMAIL = "dan@acme.test"


def link_event(event_type, ends_in=dt.timedelta(days=1), **extra):
    payload = {"partner_id": "p1", "email": EMAIL, "name": "Dan", "token": "t0ken", "expires_at": iso(NOW + ends_in)}
    return event(event_type, "e9", 1, **payload, **extra)


def mail_link(uow, payload, compose):
    links.mail_link(uow, NOW, payload, compose, PORTAL_URL)


def test_an_invitation_is_mailed_once_however_often_its_event_comes(uow):
    company(uow)
    invited = link_event(EMPLOYEE_INVITED, invited_by="Ann")

    mail_link(uow, invited, employee_mails.invitation)
    mail_link(uow, invited, employee_mails.invitation)

    assert mailed(uow) == [([EMAIL], "[Acme IT] Ann invited you to Acme IT on Partner Portal")]


def test_a_link_is_not_mailed_once_it_has_ended(uow):
    company(uow)

    mail_link(uow, link_event(PASSWORD_RESET_REQUESTED, ends_in=dt.timedelta(0)), employee_mails.password_reset)

    assert mailed(uow) == []


def test_a_link_for_a_company_not_known_yet_is_mailed_in_the_name_of_your_company(uow):
    mail_link(uow, link_event(PASSWORD_RESET_REQUESTED), employee_mails.password_reset)

    assert mailed(uow) == [([EMAIL], "[your company] Reset your Partner Portal password")]
