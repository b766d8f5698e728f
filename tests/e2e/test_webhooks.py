"""Webhooks over HTTP, into endpoints in the test process: signed as the Standard Webhooks reference
library checks, retried with the same id, listed with their deliveries, switched off after their
last 20 events failed, and never held up by another partner's slow endpoint."""

import base64
import datetime as dt
import json
import time

import pytest
from standardwebhooks import Webhook

from tests.e2e.test_billing_helpers import at, buy, item, open_account, refresh, start_clock
from tests.e2e.test_monitoring import Partner, eventually
from tests.flows import assert_error, create_employee, names_field, sign_up
from tests.harness import system_of_its_own
from tests.mailbox import wait_for_mails
from tests.webhook_receiver import receiving

pytestmark = pytest.mark.e2e
RETRY_DELAYS = (1, 2)  # seconds of the test's clock


def a_system(request, tmp_path_factory, **config):
    """Endpoints in the test process are on loopback: allowed here."""
    return system_of_its_own(
        request, tmp_path_factory.mktemp("data"), WEBHOOKS_ALLOW_PRIVATE="true", WEBHOOK_POLL_SECONDS=0.1, **config
    )


@pytest.fixture(scope="module")
def system(request, tmp_path_factory):
    with a_system(request, tmp_path_factory, WEBHOOK_RETRY_DELAYS=",".join(map(str, RETRY_DELAYS))) as system:
        yield system


@pytest.fixture
def owner(system, clock):
    return sign_up(system)


def create(actor, url, events=("webhook.test",), **extra):
    answer = actor.client.post("/v1/webhooks", json={"url": url, "events": list(events), **extra})
    assert answer.status_code == 201, answer.text
    return answer.json()


def deliveries(actor, webhook):
    answer = actor.client.get(f"/v1/webhooks/{webhook['id']}/deliveries")
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def test_an_endpoint_is_made_shown_changed_and_removed_and_its_secret_shown_once(owner):
    made = create(owner, "http://127.0.0.1:9/hooks", ["computer.not_backing_up", "order.placed"], description="PSA")
    assert made["secret"].startswith("whsec_") and len(base64.b64decode(made["secret"][6:])) >= 24
    assert set(made) == {"id", "url", "events", "description", "active", "created_at", "secret"}
    shown = {key: value for key, value in made.items() if key != "secret"}
    assert owner.client.get(f"/v1/webhooks/{made['id']}").json() == shown
    assert owner.client.get("/v1/webhooks").json()["items"] == [shown]
    changed = owner.client.patch(
        f"/v1/webhooks/{made['id']}", json={"events": ["webhook.test"], "active": False, "description": None}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["events"], changed.json()["active"], changed.json()["description"]) == (
        ["webhook.test"],
        False,
        None,
    )
    assert owner.client.delete(f"/v1/webhooks/{made['id']}").status_code == 204
    assert_error(owner.client.get(f"/v1/webhooks/{made['id']}"), 404, "not_found")


def test_the_endpoints_come_a_page_at_a_time_as_every_list_does(owner):
    made = [create(owner, f"http://127.0.0.1:9/hooks/{n}")["id"] for n in range(3)]
    first = owner.client.get("/v1/webhooks?limit=2").json()
    rest = owner.client.get(f"/v1/webhooks?limit=2&cursor={first['next_cursor']}").json()
    assert [hook["id"] for hook in first["items"] + rest["items"]] == made
    assert first["next_cursor"] and rest["next_cursor"] is None
    for bad in ("limit=0", "limit=201", "limit=abc", "cursor=garbage"):
        assert_error(owner.client.get(f"/v1/webhooks?{bad}"), 400, "validation_error")


def test_only_owners_and_admins_manage_webhooks_and_another_partners_are_not_found(system, owner):
    made = create(owner, "http://127.0.0.1:9/hooks")
    support = create_employee(owner, "support")
    assert_error(support.client.get("/v1/webhooks"), 403, "forbidden")
    assert_error(
        support.client.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/", "events": ["webhook.test"]}),
        403,
        "forbidden",
    )
    stranger = sign_up(system)
    for method in ("get", "patch", "delete"):
        kwargs = {"json": {"active": False}} if method == "patch" else {}
        assert_error(getattr(stranger.client, method)(f"/v1/webhooks/{made['id']}", **kwargs), 404, "not_found")
    assert_error(stranger.client.post(f"/v1/webhooks/{made['id']}/test"), 404, "not_found")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"url": "http://127.0.0.1:9/", "events": []}, "events"),
        ({"url": "http://127.0.0.1:9/", "events": ["computer.on_fire"]}, "events"),
        ({"url": "http://127.0.0.1:9/", "events": ["webhook.test", "webhook.test"]}, "events"),
        ({"url": "ftp://127.0.0.1/", "events": ["webhook.test"]}, "url"),
        ({"url": "http://no-such-host.invalid/", "events": ["webhook.test"]}, "url"),
        ({"url": "http://" + "a" * 2100, "events": ["webhook.test"]}, "url"),
        ({"events": ["webhook.test"]}, "url"),
        ({"url": "http://127.0.0.1:9/", "events": ["webhook.test"], "description": "d" * 501}, "description"),
    ],
)
def test_an_endpoint_that_is_not_valid_is_a_400(owner, body, field):
    answer = owner.client.post("/v1/webhooks", json=body)
    assert_error(answer, 400, "validation_error")
    assert names_field(answer.json()["error"], field)


def test_a_test_event_arrives_signed_as_the_reference_library_checks(owner):
    with receiving() as receiver:
        made = create(owner, receiver.url)
        answer = owner.client.post(f"/v1/webhooks/{made['id']}/test")
        assert answer.status_code == 202, answer.text
        assert eventually(lambda: receiver.received, seconds=5)
        path, headers, body = receiver.received[0]
    assert path == "/hooks/in" and headers["content-type"] == "application/json"
    event = Webhook(made["secret"]).verify(body, headers)
    assert event["type"] == "webhook.test" and event["data"] == {"webhook_id": made["id"]}
    assert event["timestamp"].endswith("Z")
    [delivery] = eventually(lambda: [d for d in deliveries(owner, made) if d["status"] == "delivered"], seconds=5)
    assert delivery["event_id"] == headers["webhook-id"] and delivery["attempts"] == 1
    assert delivery["response_status"] == 200 and delivery["delivered_at"] and delivery["next_attempt_at"] is None


def test_a_failing_endpoint_is_tried_again_after_each_delay_with_the_same_id_then_given_up(owner, clock):
    with receiving(statuses=[500, 503]) as good_third_time, receiving(statuses=[500] * 10) as never:
        recovering, dead = create(owner, good_third_time.url), create(owner, never.url)
        for made in (recovering, dead):
            assert owner.client.post(f"/v1/webhooks/{made['id']}/test").status_code == 202
        for tries, delay in enumerate(RETRY_DELAYS, start=1):
            # Each try recorded (and its next one set) before the clock moves on.
            assert eventually(
                lambda tries=tries: all(
                    deliveries(owner, made)[0]["attempts"] == tries and deliveries(owner, made)[0]["next_attempt_at"]
                    for made in (recovering, dead)
                ),
                seconds=5,
            )
            clock.advance(seconds=delay)
            assert eventually(lambda tries=tries: len(never.received) == tries + 1, seconds=5)
        assert eventually(lambda: deliveries(owner, recovering)[0]["status"] == "delivered", seconds=5)
        assert eventually(lambda: deliveries(owner, dead)[0]["status"] == "failed", seconds=5)
        ids = {headers["webhook-id"] for _, headers, _ in never.received + good_third_time.received}
    assert len(ids) == 2  # one id per event, the same on every try
    assert deliveries(owner, recovering)[0]["attempts"] == 3 and deliveries(owner, dead)[0]["attempts"] == 3
    assert deliveries(owner, dead)[0]["response_status"] == 500


def test_a_slow_endpoint_holds_up_no_other_partners_deliveries(system, owner):
    other = sign_up(system)
    with receiving(pause=4) as slow, receiving() as quick:
        slow_hook, quick_hook = create(owner, slow.url), create(other, quick.url)
        for _ in range(3):
            assert owner.client.post(f"/v1/webhooks/{slow_hook['id']}/test").status_code == 202
        time.sleep(0.3)
        started = time.monotonic()
        assert other.client.post(f"/v1/webhooks/{quick_hook['id']}/test").status_code == 202
        assert eventually(lambda: quick.received, seconds=3)
        assert time.monotonic() - started < 2


def test_a_computer_alert_goes_to_the_endpoints_that_asked_for_it(system, clock):
    partner = Partner(system, clock)
    with receiving() as receiver:
        made = create(partner.owner, receiver.url, ["computer.backup_failed"])
        account = partner.account("Contoso")
        computer = partner.computer(account, name="FILESRV", kind="server")
        assert partner.report(computer, status="failed", backed_up=0, error="VSS").status_code == 202
        assert eventually(lambda: receiver.received, seconds=5)
        _, headers, body = receiver.received[0]
    event = Webhook(made["secret"]).verify(body, headers)
    assert event["type"] == "computer.backup_failed"
    assert event["data"]["computer"] == {
        "id": computer["id"],
        "name": "FILESRV",
        "kind": "server",
        "account_id": account["id"],
        "account_name": "Contoso",
    }
    assert event["data"]["last_status"] == "failed" and event["data"]["last_success_at"] is None


def test_an_endpoint_whose_last_twenty_events_failed_is_switched_off_and_its_partner_told(request, tmp_path_factory):
    with (
        a_system(request, tmp_path_factory, WEBHOOK_RETRY_DELAYS="") as system,
        receiving(statuses=[500] * 25) as receiver,
    ):
        owner = sign_up(system)
        made = create(owner, receiver.url)
        for n in range(20):
            assert owner.client.post(f"/v1/webhooks/{made['id']}/test").status_code == 202
            assert eventually(lambda n=n: len(receiver.received) == n + 1, seconds=5)
        assert eventually(lambda: owner.client.get(f"/v1/webhooks/{made['id']}").json()["active"] is False)
        [mail] = wait_for_mails(system, owner.email, 1)
        assert "webhook of yours was switched off" in mail["Subject"]
        assert all(d["status"] == "failed" for d in deliveries(owner, made))
        assert_error(owner.client.post(f"/v1/webhooks/{made['id']}/test"), 409, "conflict")  # switched off
        time.sleep(0.5)
        assert len(receiver.received) == 20
        assert json.loads(receiver.received[0][2])["type"] == "webhook.test"


def test_orders_accounts_and_renewals_go_to_the_endpoints_that_asked_for_them(system, owner, clock):
    start_clock(clock)
    refresh(owner)
    kinds = ["order.placed", "account.created", "account.released", "subscription.renewed"]
    with receiving() as receiver:
        create(owner, receiver.url, kinds)
        account = open_account(owner, name="Fabrikam")
        order = buy(owner, item("safe-pro", "power", 1, 2, account["id"]))
        assert eventually(lambda: len(receiver.received) == 2, seconds=5)
        subscription = owner.client.get(f"/v1/subscriptions/{order['lines'][0]['subscription_id']}").json()
        clock.set(at(subscription["expires_at"]) + dt.timedelta(minutes=1))  # auto-renew is on: it renews
        refresh(owner)
        assert eventually(lambda: len(receiver.received) == 4, seconds=10)  # the renewal's order too
        assert owner.client.post(f"/v1/accounts/{account['id']}/release").status_code == 200
        assert eventually(lambda: len(receiver.received) == 5, seconds=5)
        events = [json.loads(body) for body in receiver.bodies()]
    by_type = {}
    for event in events:
        by_type.setdefault(event["type"], []).append(event["data"])
    assert sorted(by_type) == sorted(kinds)
    assert by_type["account.created"][0]["id"] == account["id"] and by_type["account.created"][0]["name"] == "Fabrikam"
    assert by_type["account.released"][0]["id"] == account["id"]
    purchase, renewal = by_type["order.placed"]
    assert purchase == order and renewal["kind"] == "renewal"
    [renewed] = by_type["subscription.renewed"]
    assert renewed["id"] == subscription["id"] and renewed["account"] == {"id": account["id"], "name": "Fabrikam"}
    assert at(renewed["expires_at"]) > at(subscription["expires_at"])


def test_a_partner_keeps_at_most_twenty_endpoints(system):
    owner = sign_up(system)
    for n in range(20):
        create(owner, f"http://127.0.0.1:9/hook-{n}")
    answer = owner.client.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/one-more", "events": ["webhook.test"]})
    assert_error(answer, 409, "conflict")
    assert "20" in answer.json()["error"]["message"]
