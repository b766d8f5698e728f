"""Monitoring on a real RabbitMQ: its replica takes every event twice and late and ends the same;
reports are stored once, wait for their computer, and what can never be stored is parked for an
operator; time alone turns computers not_backing_up and accounts hear of it."""

import datetime as dt
import logging
import time

from kombu import Connection
from nameko.testing.services import entrypoint_hook, entrypoint_waiter

from portal_common import dead_letters
from portal_common.event_handlers import on_event
from portal_common.events import (
    ACCOUNT_BACKUP_CHANGED,
    ACCOUNT_CREATED,
    ACCOUNT_RELEASED,
    AGENT_REPORTS_RECEIVED,
    COMPUTER_ADDED,
    COMPUTER_BACKUP_FAILED,
    COMPUTER_REMOVED,
    COMPUTER_STATUS_CHANGED,
    iso,
)
from tests.bus import deliver, event, publish

CALLER = {"partner_id": "p1", "employee_id": "e1", "role": "owner", "session_id": "s1"}
REPORTS_QUEUE = "evt-gateway-agent_reports_received--monitoring.on_agent_reports_received"


class Listener:
    name = "listener"
    seen = []

    @on_event(ACCOUNT_BACKUP_CHANGED)
    def on_account_backup_changed(self, payload):
        self.seen.append(payload)


def account_event(version, released=False):
    return event(
        ACCOUNT_RELEASED if released else ACCOUNT_CREATED,
        "a1",
        version,
        partner_id="p1",
        name="Contoso",
        administered=True,
        released=released,
        item={"id": "a1", "name": "Contoso"},
    )


def computer_event(clock, version, removed=False, computer_id="c1"):
    return event(
        COMPUTER_REMOVED if removed else COMPUTER_ADDED,
        computer_id,
        version,
        account_id="a1",
        partner_id="p1",
        name="PC",
        kind="workstation",
        agent_key_hash="h-" + computer_id,
        created_at=iso(clock.now()),
        removed=removed,
    )


def report(clock, report_id, bytes_backed_up=100, computer_id="c1"):
    now = clock.now()
    return {
        "id": report_id,
        "computer_id": computer_id,
        "partner_id": "p1",
        "received_at": iso(now),
        "started_at": iso(now - dt.timedelta(minutes=5)),
        "finished_at": iso(now),
        "status": "success",
        "bytes_selected": 2000,
        "bytes_backed_up": bytes_backed_up,
        "files": 3,
        "error": None,
    }


def reports_message(*reports):
    """Reports as the gateway sends them: one message for a batch."""
    return event(AGENT_REPORTS_RECEIVED, "batch", 1, reports=list(reports))


def known_computer(monitoring, config, clock, computer_id="c1"):
    deliver(monitoring, config, "on_account_created", ACCOUNT_CREATED, account_event(1))
    deliver(monitoring, config, "on_computer_added", COMPUTER_ADDED, computer_event(clock, 1, computer_id=computer_id))


def deliver_reports(monitoring, config, *reports):
    deliver(monitoring, config, "on_agent_reports_received", AGENT_REPORTS_RECEIVED, reports_message(*reports))


def stored(rpc, computer_id="c1"):
    return sorted(r["id"] for r in rpc.reports(CALLER, computer_id, {"limit": "200"})["items"])


def eventually(probe, seconds=20):
    deadline = time.monotonic() + seconds
    while not probe() and time.monotonic() < deadline:
        time.sleep(0.05)
    return probe()


def parked(config, queue=REPORTS_QUEUE):
    with Connection(config["AMQP_URI"]) as connection:
        return dead_letters.parked(connection, queue)


def test_duplicate_and_late_events_leave_the_replica_as_the_newest_says(rpc, monitoring, config, clock):
    known_computer(monitoring, config, clock)
    deliver(monitoring, config, "on_computer_added", COMPUTER_ADDED, computer_event(clock, 1))
    assert rpc.overview(CALLER)["computers"] == 1
    deliver(monitoring, config, "on_computer_removed", COMPUTER_REMOVED, computer_event(clock, 2, removed=True))
    # The add arriving again, late: still removed.
    deliver(monitoring, config, "on_computer_added", COMPUTER_ADDED, computer_event(clock, 1))
    assert rpc.overview(CALLER)["computers"] == 0
    deliver(monitoring, config, "on_account_released", ACCOUNT_RELEASED, account_event(2, released=True))
    deliver(monitoring, config, "on_account_created", ACCOUNT_CREATED, account_event(1))
    assert rpc.overview(CALLER)["accounts"] == 0


def test_a_report_delivered_twice_is_stored_once(rpc, monitoring, config, clock):
    known_computer(monitoring, config, clock)
    for _ in range(2):
        deliver_reports(monitoring, config, report(clock, "r1", 700))
    assert stored(rpc) == ["r1"]
    assert rpc.overview(CALLER)["bytes_backed_up"] == 700


def test_a_report_that_comes_before_its_computer_is_stored_once_the_computer_does(rpc, monitoring, config, clock):
    """Accounts answers agent keys, so an agent may report before `computer_added` reaches monitoring:
    the report's message comes back after a delay until then."""
    deliver(monitoring, config, "on_account_created", ACCOUNT_CREATED, account_event(1))
    publish(config, AGENT_REPORTS_RECEIVED, reports_message(report(clock, "r-early", 42)))
    time.sleep(0.3)
    deliver(monitoring, config, "on_computer_added", COMPUTER_ADDED, computer_event(clock, 1))
    assert eventually(lambda: stored(rpc) == ["r-early"])
    assert rpc.overview(CALLER)["bytes_backed_up"] == 42
    assert parked(config) == 0


def test_time_alone_turns_a_computer_not_backing_up_and_accounts_hear_of_it(
    rpc, monitoring, container_factory, config, clock
):
    Listener.seen = []
    listener = container_factory(Listener, config)
    listener.start()
    known_computer(monitoring, config, clock)
    deliver_reports(monitoring, config, report(clock, "r1"))
    clock.advance(hours=72, seconds=1)

    def the_sweeps_news(worker_ctx, result, exc_info):
        # Not a summary of the report's still on its way (it is slower to come on PostgreSQL).
        return worker_ctx.args[0]["computers_not_backing_up"] == 1

    with entrypoint_waiter(listener, "on_account_backup_changed", callback=the_sweeps_news):
        with entrypoint_hook(monitoring, "sweep_states") as sweep:
            sweep()
    latest = max(Listener.seen, key=lambda s: s["version"])
    assert latest["id"] == "a1" and latest["computers_not_backing_up"] == 1 and latest["bytes_backed_up"] == 100
    versions = [s["version"] for s in Listener.seen]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    # A second sweep finds nothing more to say.
    count = len(Listener.seen)
    with entrypoint_hook(monitoring, "sweep_states") as sweep:
        sweep()
    time.sleep(0.3)
    assert len(Listener.seen) == count


def test_a_report_whose_computer_never_comes_is_parked_after_its_tries_then_replayed(
    rpc, monitoring, config, clock, caplog
):
    """A poison message: tried with back-off (0.2 s, 0.5 s here), parked with an error naming the
    event while the others flow, and stored when an operator replays it after the cause is mended."""
    known_computer(monitoring, config, clock)
    caplog.set_level(logging.ERROR, logger="portal_common.event_handlers")
    poison = reports_message(report(clock, "r-orphan", computer_id="c-late"))
    publish(config, AGENT_REPORTS_RECEIVED, poison)
    publish(config, AGENT_REPORTS_RECEIVED, reports_message(report(clock, "r-good", 5)))
    assert eventually(lambda: stored(rpc) == ["r-good"])
    assert eventually(lambda: parked(config) == 1)
    (error,) = [record.getMessage() for record in caplog.records if "parked" in record.getMessage()]
    assert "agent_reports_received" in error and poison["event_id"] in error and "3 tries" in error

    known_computer(monitoring, config, clock, computer_id="c-late")
    with Connection(config["AMQP_URI"]) as connection:
        assert dead_letters.replay(connection, REPORTS_QUEUE) == 1
    assert eventually(lambda: stored(rpc, "c-late") == ["r-orphan"])
    assert parked(config) == 0


def test_a_malformed_message_is_parked_at_once_and_nothing_of_it_stored(rpc, monitoring, config, clock):
    known_computer(monitoring, config, clock)
    malformed = {key: value for key, value in report(clock, "r-malformed").items() if key != "finished_at"}
    too_big = {**report(clock, "r-too-big"), "bytes_backed_up": 2**70}  # past the contract, and any column
    for bad in (malformed, too_big, "not a report"):
        good = report(clock, f"r-with-{len(str(bad))}")
        publish(config, AGENT_REPORTS_RECEIVED, {**reports_message(good), "reports": [good, bad]})
    publish(config, AGENT_REPORTS_RECEIVED, reports_message(report(clock, "r3")))
    assert eventually(lambda: parked(config) == 3 and stored(rpc) == ["r3"], seconds=5)
    assert stored(rpc) == ["r3"]


def test_reports_arriving_together_are_stored_together(rpc, monitoring, config, clock):
    known_computer(monitoring, config, clock)
    start = clock.now() - dt.timedelta(hours=1)
    burst = []
    for n in range(30):
        finished = start + dt.timedelta(minutes=n)
        burst.append(
            {
                **report(clock, f"r{n:02d}", bytes_backed_up=1000 + n),
                "finished_at": iso(finished),
                "started_at": iso(finished - dt.timedelta(minutes=1)),
            }
        )
    burst.insert(20, burst[3])  # delivered twice, in the same burst
    burst.reverse()  # the newest first: the latest backup must still win
    for start in range(0, len(burst), 4):  # messages of four
        publish(config, AGENT_REPORTS_RECEIVED, reports_message(*burst[start : start + 4]))
    assert eventually(lambda: stored(rpc) == [f"r{n:02d}" for n in range(30)])
    assert rpc.overview(CALLER)["bytes_backed_up"] == 1029  # the latest backup's


class AlertListener:
    name = "alert_listener"
    seen = []

    @on_event(COMPUTER_STATUS_CHANGED)
    def on_computer_status_changed(self, payload):
        self.seen.append(("status", payload))

    @on_event(COMPUTER_BACKUP_FAILED)
    def on_computer_backup_failed(self, payload):
        self.seen.append(("failed", payload))


def test_each_failed_backup_is_told_once_with_what_an_alert_needs(rpc, monitoring, container_factory, config, clock):
    AlertListener.seen = []
    listener = container_factory(AlertListener, config)
    listener.start()
    known_computer(monitoring, config, clock)
    with entrypoint_waiter(listener, "on_computer_status_changed"):
        deliver_reports(monitoring, config, report(clock, "r1"))
    clock.advance(minutes=1)
    failed = {**report(clock, "r2"), "status": "failed", "bytes_backed_up": 0, "error": "disk full"}
    older_failure = {
        **report(clock, "r0"),
        "status": "failed",
        "bytes_backed_up": 0,
        "started_at": iso(clock.now() - dt.timedelta(days=1, minutes=5)),
        "finished_at": iso(clock.now() - dt.timedelta(days=1)),
    }
    with entrypoint_waiter(listener, "on_computer_backup_failed"):
        deliver_reports(monitoring, config, failed, older_failure)
    deliver_reports(monitoring, config, failed)  # delivered again: stored once, told once
    time.sleep(0.3)
    kinds = [kind for kind, _ in AlertListener.seen]
    assert kinds == ["status", "failed", "failed"]  # new -> ok, then each failure, the older one too
    assert [payload["id"] for _, payload in AlertListener.seen[1:]] == ["r2", "r0"]
    status, told = AlertListener.seen[0][1], AlertListener.seen[1][1]
    assert (status["status"], status["previous_status"], status["name"], status["account_name"]) == (
        "ok",
        "new",
        "PC",
        "Contoso",
    )
    assert status["administered"] is True and status["last_status"] == "success"
    assert told["id"] == "r2" and told["computer_id"] == "c1" and told["error"] == "disk full"
    assert told["status"] == "ok" and told["last_status"] == "failed" and told["kind"] == "workstation"
