"""Which alert an event makes, and what its mail says."""

from notifications.domain import alerts

COMPUTER = {
    "account_id": "a1",
    "partner_id": "p1",
    "name": "FILESRV",
    "kind": "server",
    "account_name": "Contoso",
    "administered": True,
    "last_success_at": "2026-11-28T10:00:00Z",
    "last_status": "success",
}


def status_changed(status, previous, version=2, **changes):
    return {**COMPUTER, "id": "c1", "version": version, "status": status, "previous_status": previous, **changes}


def test_a_computer_that_stops_or_starts_again_is_an_alert_and_nothing_else_is():
    assert alerts.of_status_change(status_changed("not_backing_up", "ok")).type == alerts.NOT_BACKING_UP
    assert alerts.of_status_change(status_changed("not_backing_up", "new")).type == alerts.NOT_BACKING_UP
    assert alerts.of_status_change(status_changed("ok", "not_backing_up")).type == alerts.BACKING_UP_AGAIN
    assert alerts.of_status_change(status_changed("ok", "new")) is None
    assert alerts.of_status_change(status_changed("not_backing_up", "ok", administered=False)) is None


def test_one_key_per_occurrence():
    first, again = (alerts.of_status_change(status_changed("not_backing_up", "ok")) for _ in range(2))
    later = alerts.of_status_change(status_changed("not_backing_up", "ok", version=4))
    assert first.key == again.key != later.key


def test_the_alerts_data_is_what_the_contract_gives_a_webhook():
    alert = alerts.of_status_change(status_changed("not_backing_up", "ok"))
    assert alert.data == {
        "computer": {"id": "c1", "name": "FILESRV", "kind": "server", "account_id": "a1", "account_name": "Contoso"},
        "status": "not_backing_up",
        "last_success_at": "2026-11-28T10:00:00Z",
        "last_status": "success",
    }


def test_a_mail_says_what_happened_in_one_header_line_and_escapes_what_partners_typed():
    alert = alerts.of_status_change(status_changed("not_backing_up", "ok", name="<b>PC</b>\r\nBcc: x@y"))
    mail = alerts.mail_of(alert, "Acme & Sons", "https://portal.example/")
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert mail.subject.startswith("[Acme & Sons] <b>PC</b> Bcc: x@y has stopped")
    assert "<b>PC</b>" not in mail.html and "&lt;b&gt;PC&lt;/b&gt;" in mail.html and "Acme &amp; Sons" in mail.html
    assert "https://portal.example/#/accounts/a1" in mail.text
    assert "Last successful backup: 2026-11-28T10:00:00Z" in mail.text


def test_a_failed_backup_mail_carries_its_error_or_says_there_was_none():
    event = {
        **COMPUTER,
        "id": "r1",
        "version": 1,
        "computer_id": "c1",
        "status": "ok",
        "finished_at": "2026-12-01T02:00:00Z",
        "error": None,
    }
    mail = alerts.mail_of(alerts.of_failed_backup(event), "Acme", "http://127.0.0.1:8000")
    assert "(the agent gave no error text)" in mail.text and "Finished at: 2026-12-01T02:00:00Z" in mail.text


SUBSCRIPTION = {
    "id": "s1",
    "product": "safe-pro",
    "plan": "power",
    "term_years": 1,
    "quantity": 5,
    "status": "active",
    "account_id": "a1",
    "starts_at": "2026-01-01T00:00:00Z",
    "expires_at": "2027-01-01T00:00:00Z",
    "auto_renew": False,
    "addons": [],
}


def ending(days, **changes):
    subscription = {**SUBSCRIPTION, **changes}
    return {
        "id": "s1",
        "version": 3,
        "partner_id": "p1",
        "account_id": subscription["account_id"],
        "subscription": subscription,
        "days": days,
    }


def test_a_subscription_or_trial_ending_is_an_alert_once_per_warning_and_expiry():
    thirty, seven = alerts.of_subscription_ending(ending(30), "Contoso"), alerts.of_subscription_ending(ending(7), "C")
    assert thirty.type == seven.type == alerts.SUBSCRIPTION_EXPIRING and thirty.key != seven.key
    renewed = alerts.of_subscription_ending(ending(30, expires_at="2028-01-01T00:00:00Z"), "Contoso")
    assert renewed.key != thirty.key
    assert alerts.of_subscription_ending(ending(30), "Contoso").key == thirty.key
    assert alerts.of_subscription_ending(ending(3, status="trial"), "Contoso").type == alerts.TRIAL_ENDING
    assert thirty.data == {**SUBSCRIPTION, "account": {"id": "a1", "name": "Contoso"}}


def test_a_subscription_mail_says_what_ends_when_and_for_whom():
    mail = alerts.mail_of(alerts.of_subscription_ending(ending(7), "Contoso"), "Acme", "http://127.0.0.1:8000")
    assert mail.subject == "[Acme] A safe-pro subscription for Contoso expires on 2027-01-01 and will not renew"
    assert "Seats: 5" in mail.text and "Auto-renew: off" in mail.text
    assert "http://127.0.0.1:8000/#/accounts/a1" in mail.text
    trial = alerts.mail_of(alerts.of_subscription_ending(ending(3, status="trial"), "Contoso"), "Acme", "http://x")
    assert trial.subject == "[Acme] The safe-pro trial for Contoso ends on 2027-01-01"


def test_a_subject_stays_within_its_bound_however_long_the_names():
    from notifications.domain import employee_mails, mails

    long_name = "N" * 200
    alert = alerts.of_status_change(status_changed("not_backing_up", "ok", name=long_name, account_name=long_name))
    assert len(alerts.mail_of(alert, long_name, "http://x").subject) == mails.SUBJECT_MAX
    event = {"invited_by": long_name, "email": "a@b.test", "name": long_name, "token": "t", "expires_at": "z"}
    invitation = employee_mails.invitation(long_name, event, "http://x")
    assert len(invitation.subject) == mails.SUBJECT_MAX and invitation.subject.endswith("…")
