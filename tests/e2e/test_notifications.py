"""Alerts by mail over HTTP: the partner's preferences, and the mail a computer that stops backing
up, fails a backup or starts again makes (kept as `.eml` files, as `make run` keeps them)."""

import datetime as dt
import time

import pytest

from tests.e2e.test_billing_helpers import at, buy, item, open_account, refresh, start_clock, start_trial
from tests.e2e.test_monitoring import Partner, eventually
from tests.flows import assert_error, create_employee, names_field, sign_up
from tests.mailbox import mails_to, text_of

ALL_ALERTS = [
    "computer.not_backing_up",
    "computer.backup_failed",
    "computer.backing_up_again",
    "subscription.expiring",
    "trial.ending",
]


@pytest.fixture
def partner(system, clock):
    return Partner(system, clock)


def settings_of(client):
    answer = client.get("/v1/notifications/settings")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_health_lists_the_notifications_service(system):
    assert system.client().get("/health").json()["services"]["notifications"] == "ok"


def test_by_default_every_alert_goes_by_mail_to_the_primary_contact_whoever_it_becomes(partner, system):
    owner = partner.owner
    assert eventually(lambda: settings_of(owner.client)["email"]["recipients"] == [owner.email])
    assert settings_of(owner.client) == {"email": {"enabled": True, "recipients": [owner.email]}, "events": ALL_ALERTS}
    admin = create_employee(owner, "admin")
    assert owner.client.patch("/v1/company", json={"primary_contact_id": admin.id}).status_code == 200
    assert eventually(lambda: settings_of(owner.client)["email"]["recipients"] == [admin.email])


def test_owners_and_admins_choose_and_everyone_may_read(partner, system):
    owner = partner.owner
    chosen = {
        "email": {"enabled": True, "recipients": ["noc@msp.test", "ops@msp.test"]},
        "events": ["computer.backup_failed", "computer.not_backing_up"],
    }
    answer = owner.client.put("/v1/notifications/settings", json=chosen)
    assert answer.status_code == 200, answer.text
    assert answer.json()["events"] == ["computer.not_backing_up", "computer.backup_failed"]  # the contract's order
    admin, sales, viewer = (create_employee(owner, role) for role in ("admin", "sales", "viewer"))
    assert settings_of(viewer.client)["email"]["recipients"] == ["noc@msp.test", "ops@msp.test"]
    assert admin.client.put("/v1/notifications/settings", json=chosen).status_code == 200
    assert_error(sales.client.put("/v1/notifications/settings", json=chosen), 403, "forbidden")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": {"enabled": True, "recipients": []}, "events": ALL_ALERTS}, "email"),
        ({"email": {"enabled": True, "recipients": ["not-an-address"]}, "events": ALL_ALERTS}, "email"),
        ({"email": {"enabled": True, "recipients": ["a@msp.test", "A@msp.test"]}, "events": ALL_ALERTS}, "email"),
        ({"email": {"enabled": True, "recipients": [f"r{n}@msp.test" for n in range(21)]}, "events": []}, "email"),
        ({"email": {"enabled": "yes", "recipients": ["a@msp.test"]}, "events": []}, "email"),
        ({"email": {"enabled": True, "recipients": ["a@msp.test"]}, "events": ["computer.on_fire"]}, "events"),
        (
            {"email": {"enabled": True, "recipients": ["a@msp.test"]}, "events": ["trial.ending", "trial.ending"]},
            "events",
        ),
        ({"email": {"enabled": True, "recipients": ["a@msp.test"]}}, "events"),
        ({"events": []}, "email"),
    ],
)
def test_settings_that_are_not_valid_are_a_400_and_change_nothing(partner, body, field):
    owner = partner.owner
    before = eventually(lambda: settings_of(owner.client) if settings_of(owner.client)["email"]["recipients"] else None)
    answer = owner.client.put("/v1/notifications/settings", json=body)
    assert_error(answer, 400, "validation_error")
    assert names_field(answer.json()["error"], field)
    assert settings_of(owner.client) == before


def test_a_computer_that_stops_backing_up_fails_and_starts_again_mails_each_once(partner, system):
    owner, company = partner.owner, partner.client.get("/v1/company").json()["name"]
    account = partner.account("Contoso")
    computer = partner.computer(account, name="FILESRV", kind="server")
    assert partner.report(computer).status_code == 202
    assert eventually(lambda: partner.states() == {"FILESRV": "ok"})
    partner.later(hours=73)  # past the 72-hour threshold: the sweep turns it not backing up
    stopped = eventually(lambda: mails_to(system, owner.email), seconds=10)
    assert [mail["Subject"] for mail in stopped] == [f"[{company}] FILESRV has stopped backing up"]
    text = text_of(stopped[0])
    assert "Contoso" in text and f"http://127.0.0.1:8000/#/accounts/{account['id']}" in text
    assert partner.report(computer, status="failed", backed_up=0, error="VSS snapshot failed").status_code == 202
    partner.clock.advance(minutes=1)
    assert partner.report(computer).status_code == 202
    assert eventually(lambda: len(mails_to(system, owner.email)) == 3, seconds=10)
    time.sleep(0.5)  # and no more come
    subjects = sorted(mail["Subject"] for mail in mails_to(system, owner.email))
    assert subjects == sorted(
        [
            f"[{company}] FILESRV has stopped backing up",
            f"[{company}] A backup of FILESRV failed",
            f"[{company}] FILESRV is backing up again",
        ]
    )
    failed = next(mail for mail in mails_to(system, owner.email) if "failed" in mail["Subject"])
    assert "VSS snapshot failed" in text_of(failed)


def test_alerts_not_chosen_are_not_mailed(partner, system):
    owner = partner.owner
    chosen = {"email": {"enabled": True, "recipients": [owner.email]}, "events": ["computer.backing_up_again"]}
    assert owner.client.put("/v1/notifications/settings", json=chosen).status_code == 200
    account = partner.account()
    computer = partner.computer(account)
    assert partner.report(computer, status="failed", backed_up=0).status_code == 202
    partner.later(hours=73)
    # The sweep has turned it (the list of computers judges at read time; the alert waits for the sweep).
    assert eventually(lambda: partner.listed(account)["computers_not_backing_up"] == 1)
    assert partner.report(computer).status_code == 202
    assert eventually(lambda: mails_to(system, owner.email), seconds=10)
    time.sleep(0.5)  # and no more come
    mails = mails_to(system, owner.email)
    assert [mail["Subject"].split("] ")[1] for mail in mails] == ["PC is backing up again"]


def test_a_trial_that_ends_and_a_subscription_that_will_not_renew_are_told_ahead_once_each(system, clock):
    start_clock(clock)
    owner = sign_up(system)
    trial_account, bought_account = open_account(owner, name="Fabrikam"), open_account(owner, name="Tailspin")
    trial = start_trial(owner, trial_account["id"], "safe-pro", "core")
    order = buy(owner, item("safe-pro", "power", 1, 2, bought_account["id"]))
    subscription_id = order["lines"][0]["subscription_id"]
    answer = owner.client.patch(f"/v1/subscriptions/{subscription_id}", json={"auto_renew": False})
    assert answer.status_code == 200, answer.text
    expires_at = at(answer.json()["expires_at"])

    def move_to(when):
        clock.set(when)
        refresh(owner)

    def subjects():
        return sorted(mail["Subject"].split("] ", 1)[1] for mail in mails_to(system, owner.email))

    move_to(at(trial["expires_at"]) - dt.timedelta(days=3) + dt.timedelta(minutes=1))
    trial_ends = f"The safe-pro trial for Fabrikam ends on {trial['expires_at'][:10]}"
    assert eventually(lambda: subjects() == [trial_ends], seconds=10), subjects()
    expiring = f"A safe-pro subscription for Tailspin expires on {expires_at:%Y-%m-%d} and will not renew"
    move_to(expires_at - dt.timedelta(days=30) + dt.timedelta(minutes=1))
    assert eventually(lambda: subjects() == sorted([trial_ends, expiring]), seconds=10), subjects()
    move_to(expires_at - dt.timedelta(days=20))
    move_to(expires_at - dt.timedelta(days=7) + dt.timedelta(minutes=1))
    assert eventually(lambda: subjects() == sorted([trial_ends, expiring, expiring]), seconds=10), subjects()
    move_to(expires_at - dt.timedelta(days=1))
    eventually(lambda: len(subjects()) > 3, seconds=1)
    assert len(subjects()) == 3  # each warning once


@pytest.mark.parametrize(
    "url, reason",
    [
        ("https://127.0.0.1/hook", "loopback, private"),
        ("https://10.0.0.8/hook", "loopback, private"),
        ("https://169.254.169.254/latest/meta-data", "loopback, private"),
        ("http://8.8.8.8/hook", "https://"),
    ],
)
def test_a_webhook_into_the_deployments_own_network_or_not_over_https_is_refused(partner, url, reason):
    answer = partner.owner.client.post("/v1/webhooks", json={"url": url, "events": ["webhook.test"]})
    assert_error(answer, 400, "validation_error")
    assert reason in answer.json()["error"]["details"]["url"][0]
