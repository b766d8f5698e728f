"""Operations over HTTP (issue 18): the gateway's metrics at `METRICS_ADDRESS`, the route histogram
labelled by the route's pattern (never the raw path), RPC calls and entrypoints by outcome, events
published and consumed; and the request id of a request on the log lines of every service it
reached."""

import logging
import re
import time

import pytest
import requests

from portal_common import logs
from tests.flows import sign_up
from tests.harness import free_port, system_of_its_own


@pytest.fixture(scope="module")
def metrics_port():
    return free_port()


@pytest.fixture(scope="module")
def system(request, tmp_path_factory, metrics_port):
    with system_of_its_own(
        request, tmp_path_factory.mktemp("data"), METRICS_ADDRESS=f"127.0.0.1:{metrics_port}"
    ) as system:
        yield system


def scrape(port):
    answer = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    assert answer.status_code == 200
    return answer.text


def value(text, name, **labels):
    """The sample's value, or 0 when it is not there yet."""
    wanted = ",".join(f'{key}="{label}"' for key, label in sorted(labels.items()))
    for line in text.splitlines():
        found = re.match(rf"{name}\{{(.*)\}} (\S+)$", line)
        if found and ",".join(sorted(found.group(1).split(","))) == wanted:
            return float(found.group(2))
    return 0.0


def test_the_route_histogram_is_labelled_by_pattern_method_and_status(system, metrics_port):
    owner = sign_up(system)
    account = owner.client.post("/v1/accounts", json={"name": "Contoso", "contact_email": "it@c.test"}).json()
    before = value(
        scrape(metrics_port),
        "portal_http_request_seconds_count",
        route="/v1/accounts/<account_id>",
        method="GET",
        status="200",
    )
    assert owner.client.get(f"/v1/accounts/{account['id']}").status_code == 200
    assert owner.client.get("/v1/accounts/no-such-account").status_code == 404
    text = scrape(metrics_port)
    assert (
        value(text, "portal_http_request_seconds_count", route="/v1/accounts/<account_id>", method="GET", status="200")
        == before + 1
    )
    assert (
        value(text, "portal_http_request_seconds_count", route="/v1/accounts/<account_id>", method="GET", status="404")
        >= 1
    )
    assert account["id"] not in text and "no-such-account" not in text  # never a raw path
    assert 'le="0.005"' in text
    assert value(text, "portal_rpc_call_seconds_count", service="accounts", method="get_account", outcome="ok") >= 1
    assert (
        value(text, "portal_entrypoint_seconds_count", service="accounts", entrypoint="get_account", outcome="ok") >= 1
    )
    assert (
        value(text, "portal_entrypoint_seconds_count", service="accounts", entrypoint="get_account", outcome="refused")
        >= 1
    )
    assert value(text, "portal_events_published_total", service="accounts", event="account_created") >= 1
    system.client().get("/health")
    assert value(scrape(metrics_port), "portal_backing_service_up", service="billing") == 1


def test_events_consumed_are_counted_and_the_outbox_measured(system, metrics_port):
    owner = sign_up(system)
    owner.client.post("/v1/accounts", json={"name": "Fabrikam", "contact_email": "it@f.test"})
    deadline = time.monotonic() + 5
    while (
        value(scrape(metrics_port), "portal_events_consumed_total", service="audit", event="accounts_activity") < 1
        and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    text = scrape(metrics_port)
    assert value(text, "portal_events_consumed_total", service="audit", event="accounts_activity") >= 1
    assert 'portal_outbox_backlog{service="accounts"}' in text
    assert 'portal_outbox_oldest_seconds{service="accounts"}' in text


def test_a_request_id_is_on_the_lines_of_every_service_the_request_reached(system, caplog):
    owner = sign_up(system)
    account = owner.client.post("/v1/accounts", json={"name": "Traced", "contact_email": "it@t.test"}).json()
    handler = logging.StreamHandler()
    handler.addFilter(logs.ContextFilter("test"))
    records = []
    handler.emit = records.append
    logger = logging.getLogger("portal.entrypoints")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        answer = owner.client.post(
            "/v1/orders",
            headers={"Idempotency-Key": "traced", "X-Request-Id": "trace-me-42"},
            json={
                "items": [
                    {"product": "safe", "plan": "basic", "term_years": 1, "quantity": 1, "account_id": account["id"]}
                ]
            },
        )
        assert answer.status_code == 201 and answer.headers["X-Request-Id"] == "trace-me-42"
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            traced = {
                record.getMessage().split()[0]
                for record in records
                if getattr(record, "request_id", None) == "trace-me-42"
            }
            if {"place_order", "on_subscription_changed", "on_billing_activity"} <= traced:
                break
            time.sleep(0.05)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)  # the rest of the run logs at what it did
    # The gateway's route, billing's RPC, and the events it caused in accounts and audit.
    assert {"place_order", "on_subscription_changed", "on_billing_activity"} <= traced, traced
    stamped = [record for record in records if getattr(record, "request_id", None) == "trace-me-42"]
    assert all(
        record.employee_id == owner.id and record.partner_id == owner.partner_id
        for record in stamped
        if record.getMessage().startswith("place_order")
    )
