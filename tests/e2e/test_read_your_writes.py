"""A person reads their own writes at once, though the write and the read belong to two services:
sign up then read the company, open an account then order for it, order seats then add a computer,
add a computer then have its agent report. No step here polls or sleeps before it asks.

And the retries an agent makes are stored once: `POST /v1/agent/reports` with an `Idempotency-Key`.
"""

import json

import kombu
import pytest
from nameko.standalone.events import get_event_exchange

from tests.e2e.test_billing_helpers import add_computer, eventually, item, open_account, post_order
from tests.faults.answers import report_body
from tests.flows import PASSWORD, sign_in_token, sign_up, unique_email

pytestmark = pytest.mark.e2e


def test_sign_up_then_read_the_company_at_once(system, clock):
    email = unique_email("owner")
    signed_up = system.client().post(
        "/v1/signup", json={"company_name": "Read At Once", "name": "Rae", "email": email, "password": PASSWORD}
    )
    assert signed_up.status_code == 201, signed_up.text
    company = system.client(sign_in_token(system, email, PASSWORD)).get("/v1/company")
    assert company.status_code == 200, company.text
    assert company.json()["name"] == "Read At Once"
    assert company.json()["primary_contact"]["email"] == email


def test_open_an_account_then_order_seats_for_it_then_add_a_computer_at_once(system, clock):
    owner = sign_up(system)
    account = open_account(owner)
    ordered = post_order(owner, [item("safe", "basic", 1, 1, account["id"])])
    assert ordered.status_code == 201, ordered.text
    added = add_computer(owner, account["id"])
    assert added.status_code == 201, added.text
    # And the account read at once has both: accounts' computers and billing's subscription.
    detail = owner.client.get(f"/v1/accounts/{account['id']}").json()
    assert [c["id"] for c in detail["computers"]] == [added.json()["id"]]
    assert [s["status"] for s in detail["subscriptions"]] == ["active"]


def test_add_a_computer_then_read_its_history_at_once(system, clock):
    owner, other = sign_up(system), sign_up(system)
    account = open_account(owner, trial=("safe-pro", "core"))
    computer = add_computer(owner, account["id"]).json()
    history = owner.client.get(f"/v1/monitoring/computers/{computer['id']}/reports")
    assert history.status_code == 200 and history.json() == {"items": [], "next_cursor": None}
    assert other.client.get(f"/v1/monitoring/computers/{computer['id']}/reports").status_code == 404


def test_add_a_computer_then_its_agent_reports_at_once(system, clock):
    owner = sign_up(system)
    account = open_account(owner, trial=("safe-pro", "core"))
    computer = add_computer(owner, account["id"]).json()
    agent = system.client()
    answer = agent.post(
        "/v1/agent/reports",
        json=report_body(clock.now(), 1234),
        headers={"Authorization": f"Agent {computer['agent_key']}"},
    )
    assert answer.status_code == 202, answer.text
    reports = f"/v1/monitoring/computers/{computer['id']}/reports"
    stored = eventually(lambda: owner.client.get(reports).json()["items"], what="the report stored")
    assert [report["id"] for report in stored] == [answer.json()["id"]]


def test_an_agent_report_sent_again_with_its_key_is_stored_once(system, clock):
    owner = sign_up(system)
    account = open_account(owner, trial=("safe-pro", "core"))
    computer = add_computer(owner, account["id"]).json()
    agent = system.client()
    headers = {"Authorization": f"Agent {computer['agent_key']}", "Idempotency-Key": "backup-2026-12-01T02:00"}
    body = report_body(clock.now(), 1000)
    first = agent.post("/v1/agent/reports", json=body, headers=headers)
    again = agent.post("/v1/agent/reports", json=body, headers=headers)  # after a lost answer, say
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    # A report with a key of its own, sent after: once it is stored, the retry before it was handled
    # too (reports are stored in the order their messages arrive, a batch at a time).
    marker = agent.post(
        "/v1/agent/reports",
        json=report_body(clock.now(), 7),
        headers={**headers, "Idempotency-Key": "backup-2026-12-02T02:00"},
    )
    assert marker.status_code == 202
    reports = f"/v1/monitoring/computers/{computer['id']}/reports"
    stored = eventually(
        lambda: (items := owner.client.get(reports).json()["items"]) and len(items) >= 2 and items,
        what="both reports stored",
    )
    assert sorted(report["id"] for report in stored) == sorted([first.json()["id"], marker.json()["id"]])


def test_a_bad_idempotency_key_on_a_report_is_400(system, clock):
    owner = sign_up(system)
    account = open_account(owner, trial=("safe-pro", "core"))
    computer = add_computer(owner, account["id"]).json()
    for key in ("k" * 256, "tab\there", ""):  # sent empty: a key of none, not no key
        answer = system.client().post(
            "/v1/agent/reports",
            json=report_body(clock.now()),
            headers={"Authorization": f"Agent {computer['agent_key']}", "Idempotency-Key": key},
        )
        assert answer.status_code == 400, answer.text
        assert "Idempotency-Key" in answer.json()["error"]["details"]


def test_the_request_id_and_the_employee_are_on_the_events_a_request_causes(system, clock):
    owner = sign_up(system)
    with kombu.Connection(system.config["AMQP_URI"]) as connection:
        spy = kombu.Queue(
            exclusive=True,
            auto_delete=True,
            exchange=get_event_exchange("accounts", system.config),
            routing_key="account_created",
        )
        bound = spy(connection.default_channel)
        bound.declare()
        response = owner.client.post(
            "/v1/accounts",
            headers={"X-Request-Id": "req-of-the-test-1"},
            json={"name": "Traced", "contact_email": "it@traced.test"},
        )
        assert response.status_code == 201 and response.headers["X-Request-Id"] == "req-of-the-test-1"
        message = eventually(lambda: bound.get(no_ack=True), what="account_created")
    event = json.loads(message.body)
    assert event["id"] == response.json()["id"]
    assert (event["actor"], event["request_id"]) == (owner.id, "req-of-the-test-1")


def test_a_request_without_a_usable_id_gets_one_of_its_own(system, clock):
    for sent in ({}, {"X-Request-Id": "x" * 129}, {"X-Request-Id": "caf\xe9".encode("latin-1")}):
        answer = system.client().get("/livez", headers=sent)
        assert answer.status_code == 200
        given = answer.headers["X-Request-Id"]
        assert len(given) == 26 and given != sent.get("X-Request-Id")
    assert system.client().get("/livez", headers={"X-Request-Id": "ok 1"}).headers["X-Request-Id"] == "ok 1"
    unknown = system.client().get("/v1/no-such-route", headers={"X-Request-Id": "ok-2"})
    assert unknown.status_code == 404 and unknown.headers["X-Request-Id"] == "ok-2"
