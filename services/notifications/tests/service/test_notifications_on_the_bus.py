"""Notifications on a real RabbitMQ: an alert is made once however often its event arrives, waits
for the company it is for, follows the partner's preferences, and its mail is an `.eml` file."""

import email
import email.policy
import pathlib
import time

import pytest
from nameko.testing.services import entrypoint_waiter

from portal_common.events import COMPANY_CHANGED, COMPUTER_BACKUP_FAILED, COMPUTER_STATUS_CHANGED
from tests.bus import deliver, event, publish

from notifications.usecases.alerts import CompanyNotKnownYet

CALLER = {"partner_id": "p1", "employee_id": "e1", "role": "owner", "session_id": "s1"}
ALL_ALERTS = [
    "computer.not_backing_up",
    "computer.backup_failed",
    "computer.backing_up_again",
    "subscription.expiring",
    "trial.ending",
]


def company(version=1, name="Acme IT", contact="ann@acme.test"):
    return event(COMPANY_CHANGED, "p1", version, name=name, primary_contact_email=contact, primary_contact_name="Ann")


def status_changed(version, status, previous, administered=True, computer_id="c1"):
    return event(
        COMPUTER_STATUS_CHANGED,
        computer_id,
        version,
        account_id="a1",
        partner_id="p1",
        name="FILESRV",
        kind="server",
        account_name="Contoso",
        administered=administered,
        status=status,
        previous_status=previous,
        last_success_at="2026-11-28T10:00:00Z",
        last_status="success",
    )


def backup_failed(report_id="r1"):
    return event(
        COMPUTER_BACKUP_FAILED,
        report_id,
        1,
        computer_id="c1",
        account_id="a1",
        partner_id="p1",
        name="FILESRV",
        kind="server",
        account_name="Contoso",
        administered=True,
        status="ok",
        last_success_at="2026-11-28T10:00:00Z",
        last_status="failed",
        finished_at="2026-12-01T02:00:00Z",
        error="VSS snapshot failed",
    )


def mails(config):
    folder = pathlib.Path(config["MAIL_DIR"])
    return (
        [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(folder.glob("*.eml"))
        ]
        if folder.exists()
        else []
    )


def eventually(probe, seconds=10):
    deadline = time.monotonic() + seconds
    while not probe() and time.monotonic() < deadline:
        time.sleep(0.05)
    return probe()


def test_until_the_partner_chooses_every_alert_goes_to_the_primary_contact(rpc, notifications, config):
    deliver(notifications, config, "on_company_changed", COMPANY_CHANGED, company())
    assert rpc.get_settings(CALLER) == {
        "email": {"enabled": True, "recipients": ["ann@acme.test"]},
        "events": ALL_ALERTS,
    }
    deliver(notifications, config, "on_company_changed", COMPANY_CHANGED, company(2, contact="bob@acme.test"))
    deliver(notifications, config, "on_company_changed", COMPANY_CHANGED, company(1))  # late: changes nothing
    assert rpc.get_settings(CALLER)["email"]["recipients"] == ["bob@acme.test"]


def test_a_computer_that_stops_backing_up_is_one_mail_however_often_its_event_comes(rpc, notifications, config):
    deliver(notifications, config, "on_company_changed", COMPANY_CHANGED, company())
    stopped = status_changed(2, "not_backing_up", "ok")
    for _ in range(3):
        deliver(notifications, config, "on_computer_status_changed", COMPUTER_STATUS_CHANGED, stopped)
    assert eventually(lambda: len(mails(config)) == 1)
    time.sleep(0.5)
    [mail] = mails(config)
    assert mail["To"] == "ann@acme.test"
    assert mail["Subject"] == "[Acme IT] FILESRV has stopped backing up"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Contoso" in text and "2026-11-28T10:00:00Z" in text and "https://portal.example/#/accounts/a1" in text
    assert "Acme IT" in html and 'href="https://portal.example/#/accounts/a1"' in html


def test_backing_up_again_and_a_failed_backup_are_alerts_of_their_own(rpc, notifications, config):
    deliver(notifications, config, "on_company_changed", COMPANY_CHANGED, company())
    deliver(
        notifications,
        config,
        "on_computer_status_changed",
        COMPUTER_STATUS_CHANGED,
        status_changed(3, "ok", "not_backing_up"),
    )
    deliver(
        notifications, config, "on_computer_status_changed", COMPUTER_STATUS_CHANGED, status_changed(4, "ok", "new")
    )  # a new computer's first backup: no alert
    deliver(notifications, config, "on_computer_backup_failed", COMPUTER_BACKUP_FAILED, backup_failed())
    deliver(notifications, config, "on_computer_backup_failed", COMPUTER_BACKUP_FAILED, backup_failed())
    assert eventually(lambda: len(mails(config)) == 2)
    time.sleep(0.5)
    subjects = sorted(mail["Subject"] for mail in mails(config))
    assert subjects == ["[Acme IT] A backup of FILESRV failed", "[Acme IT] FILESRV is backing up again"]
    failed = next(mail for mail in mails(config) if "failed" in mail["Subject"])
    assert "VSS snapshot failed" in failed.get_body(("plain",)).get_content()


def test_a_released_customers_computers_alert_nobody(rpc, notifications, config):
    deliver(notifications, config, "on_company_changed", COMPANY_CHANGED, company())
    deliver(
        notifications,
        config,
        "on_computer_status_changed",
        COMPUTER_STATUS_CHANGED,
        status_changed(2, "not_backing_up", "ok", administered=False),
    )
    time.sleep(0.5)
    assert mails(config) == []


def test_the_partners_choice_decides_which_alerts_are_mailed_and_to_whom(rpc, notifications, config):
    deliver(notifications, config, "on_company_changed", COMPANY_CHANGED, company())
    chosen = {
        "email": {"enabled": True, "recipients": ["ops@acme.test", "noc@acme.test"]},
        "events": ["computer.backup_failed"],
    }
    assert rpc.put_settings(CALLER, chosen) == chosen
    deliver(
        notifications,
        config,
        "on_computer_status_changed",
        COMPUTER_STATUS_CHANGED,
        status_changed(2, "not_backing_up", "ok"),
    )
    deliver(notifications, config, "on_computer_backup_failed", COMPUTER_BACKUP_FAILED, backup_failed())
    assert eventually(lambda: len(mails(config)) == 1)
    time.sleep(0.5)
    [mail] = mails(config)
    assert mail["To"] == "ops@acme.test, noc@acme.test" and "failed" in mail["Subject"]
    rpc.put_settings(CALLER, {"email": {"enabled": False, "recipients": []}, "events": ALL_ALERTS})
    deliver(notifications, config, "on_computer_backup_failed", COMPUTER_BACKUP_FAILED, backup_failed("r2"))
    time.sleep(0.5)
    assert len(mails(config)) == 1


def test_an_alert_for_a_company_not_here_yet_is_mailed_once_the_company_is(rpc, notifications, config):
    with entrypoint_waiter(notifications, "on_computer_status_changed") as first_try:
        publish(config, COMPUTER_STATUS_CHANGED, status_changed(2, "not_backing_up", "ok"))
    with pytest.raises(CompanyNotKnownYet):
        first_try.get()  # set aside for a later try
    assert mails(config) == []
    deliver(notifications, config, "on_company_changed", COMPANY_CHANGED, company())
    assert eventually(lambda: len(mails(config)) == 1)
