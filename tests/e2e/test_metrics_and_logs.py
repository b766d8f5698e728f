"""Operations over HTTP (issue 18): the gateway's metrics at `METRICS_ADDRESS`, the route histogram
labelled by the route's pattern (never the raw path), RPC calls and entrypoints by outcome, events
published and consumed; and the request id of a request on the log lines of every service it
reached."""

import contextlib
import datetime as dt
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


@contextlib.contextmanager
def entrypoint_lines():
    """The entrypoints' log records (one a request, call or event) while inside, with the context
    each carried."""
    handler = logging.StreamHandler()
    handler.addFilter(logs.ContextFilter("test"))
    records: list = []
    handler.emit = records.append
    logger = logging.getLogger("portal.entrypoints")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)  # the rest of the run logs at what it did


def traced(records, request_id):
    """The entrypoints whose lines carry the request's id, alone or among a batch's."""
    return {
        record.getMessage().split()[0]
        for record in records
        if request_id in (getattr(record, "request_id", None), *(getattr(record, "request_ids", None) or ()))
    }


def eventually_traced(records, request_id, wanted, seconds=5):
    deadline = time.monotonic() + seconds
    while not wanted <= traced(records, request_id) and time.monotonic() < deadline:
        time.sleep(0.05)
    return traced(records, request_id)


def test_a_request_id_is_on_the_lines_of_every_service_the_request_reached(system):
    owner = sign_up(system)
    account = owner.client.post("/v1/accounts", json={"name": "Traced", "contact_email": "it@t.test"}).json()
    with entrypoint_lines() as records:
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
        # The gateway's route, billing's RPC, and the events it caused in accounts and audit.
        wanted = {"place_order", "on_subscription_changed", "on_billing_activity"}
        assert wanted <= eventually_traced(records, "trace-me-42", wanted)
    stamped = [record for record in records if getattr(record, "request_id", None) == "trace-me-42"]
    assert all(
        record.employee_id == owner.id and record.partner_id == owner.partner_id
        for record in stamped
        if record.getMessage().startswith("place_order")
    )


def test_an_agents_report_is_traced_through_the_batch_that_stores_it_and_what_it_set_off(system):
    """Monitoring stores reports of many requests at once: its lines name every request of the
    batch, and the events of each report carry that report's request."""
    owner = sign_up(system)
    account = owner.client.post("/v1/accounts", json={"name": "Agents", "contact_email": "it@a.test"}).json()
    trial = owner.client.post(f"/v1/accounts/{account['id']}/trials", json={"product": "safe-pro", "plan": "ultimate"})
    assert trial.status_code == 201, trial.text
    computer = owner.client.post(f"/v1/accounts/{account['id']}/computers", json={"name": "PC", "kind": "workstation"})
    assert computer.status_code == 201, computer.text
    finished = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)

    def report(status, request_id):
        answer = system.client().post(
            "/v1/agent/reports",
            json={
                "started_at": (finished - dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "finished_at": finished.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "status": status,
                "bytes_selected": 4096,
                "bytes_backed_up": 2048,
                "files": 3,
            },
            headers={"Authorization": f"Agent {computer.json()['agent_key']}", "X-Request-Id": request_id},
        )
        assert answer.status_code == 202 and answer.headers["X-Request-Id"] == request_id, answer.text

    with entrypoint_lines() as records:
        report("failed", "agent-failed-7")
        report("success", "agent-succeeded-8")
        failed = {"agent_report", "on_agent_reports_received", "on_computer_backup_failed"}
        succeeded = {"agent_report", "on_agent_reports_received", "on_account_backup_changed"}
        assert failed <= eventually_traced(records, "agent-failed-7", failed, seconds=10)
        assert succeeded <= eventually_traced(records, "agent-succeeded-8", succeeded, seconds=10)
