"""Monitoring on a real RabbitMQ: its replica takes every event twice and late and ends the same;
reports are stored once; time alone turns computers not_backing_up and accounts hear of it."""
import datetime as dt
import time

from nameko.events import event_handler
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_hook, entrypoint_waiter

from portal_common.agent_keys import agent_key_digest
from portal_common.events import iso

CALLER = {"partner_id": "p1", "employee_id": "e1", "role": "owner", "session_id": "s1"}


class Listener:
    name = "listener"
    seen = []

    @event_handler("monitoring", "account_backup_changed")
    def on_account_backup_changed(self, payload):
        self.seen.append(payload)


def account_event(version, released=False):
    return {"event_id": f"a{version}", "occurred_at": "2026-11-26T00:00:00Z", "id": "a1", "version": version,
            "partner_id": "p1", "name": "Contoso", "administered": True, "released": released}


def computer_event(clock, version, removed=False):
    return {"event_id": f"c{version}", "occurred_at": "2026-11-26T00:00:00Z", "id": "c1", "version": version,
            "account_id": "a1", "partner_id": "p1", "name": "PC", "kind": "workstation",
            "agent_key_hash": agent_key_digest("agk_test"), "created_at": iso(clock.now()), "removed": removed}


def report(clock, report_id, bytes_backed_up=100):
    now = clock.now()
    return {"id": report_id, "computer_id": "c1", "partner_id": "p1", "received_at": iso(now),
            "started_at": iso(now - dt.timedelta(minutes=5)), "finished_at": iso(now), "status": "success",
            "bytes_selected": 200, "bytes_backed_up": bytes_backed_up, "files": 3, "error": None}


def deliver(monitoring, config, source, event_type, payload, handler):
    with entrypoint_waiter(monitoring, handler):
        event_dispatcher(config)(source, event_type, payload)


def test_duplicate_and_late_events_leave_the_replica_as_the_newest_says(rpc, monitoring, config, clock):
    deliver(monitoring, config, "accounts", "account_created", account_event(1), "on_account_created")
    deliver(monitoring, config, "accounts", "computer_added", computer_event(clock, 1), "on_computer_added")
    deliver(monitoring, config, "accounts", "computer_added", computer_event(clock, 1), "on_computer_added")
    assert rpc.agent_identity(agent_key_digest("agk_test"))["computer_id"] == "c1"
    deliver(monitoring, config, "accounts", "computer_removed", computer_event(clock, 2, removed=True),
            "on_computer_removed")
    # The add arriving again, late: still removed.
    deliver(monitoring, config, "accounts", "computer_added", computer_event(clock, 1), "on_computer_added")
    assert rpc.agent_identity(agent_key_digest("agk_test")) is None
    assert rpc.overview(CALLER)["computers"] == 0
    deliver(monitoring, config, "accounts", "account_released", account_event(2, released=True),
            "on_account_released")
    deliver(monitoring, config, "accounts", "account_created", account_event(1), "on_account_created")
    assert rpc.overview(CALLER)["accounts"] == 0


def deliver_reports(monitoring, config, *reports):
    """Reports as the gateway sends them: one message for a batch."""
    deliver(monitoring, config, "gateway", "agent_reports_received", {"reports": list(reports)}, "on_agent_reports")


def test_a_report_delivered_twice_is_stored_once(rpc, monitoring, config, clock):
    rpc.track_account(account_event(1))
    rpc.track_computer(computer_event(clock, 1))
    for _ in range(2):
        deliver_reports(monitoring, config, report(clock, "r1", 700))
    assert [r["id"] for r in rpc.reports(CALLER, "c1", {})["items"]] == ["r1"]
    assert rpc.overview(CALLER)["bytes_backed_up"] == 700


def test_time_alone_turns_a_computer_not_backing_up_and_accounts_hear_of_it(rpc, monitoring, container_factory,
                                                                            config, clock):
    Listener.seen = []
    listener = container_factory(Listener, config)
    listener.start()
    rpc.track_account(account_event(1))
    rpc.track_computer(computer_event(clock, 1))
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
    assert len(Listener.seen) == count


def test_a_report_that_can_never_be_stored_is_dropped_not_redelivered_forever(rpc, monitoring, config, clock):
    rpc.track_account(account_event(1))
    rpc.track_computer(computer_event(clock, 1))
    poison = {**report(clock, "r-poison"), "computer_id": "no-such-computer"}
    deliver_reports(monitoring, config, poison)
    # The queue moves on: the next report is stored.
    deliver_reports(monitoring, config, report(clock, "r-good", 5))
    assert [r["id"] for r in rpc.reports(CALLER, "c1", {})["items"]] == ["r-good"]


def test_a_message_of_reports_keeps_its_good_ones_and_drops_the_bad_and_the_malformed(rpc, monitoring, config,
                                                                                      clock):
    rpc.track_account(account_event(1))
    rpc.track_computer(computer_event(clock, 1))
    unknown_computer = {**report(clock, "r-poison"), "computer_id": "no-such-computer"}
    malformed = {key: value for key, value in report(clock, "r-malformed").items() if key != "finished_at"}
    deliver_reports(monitoring, config, report(clock, "r1"), unknown_computer, "not a report", malformed,
                    report(clock, "r2"))
    for not_reports in ({"reports": "r3"}, ["r3"], {}):
        deliver(monitoring, config, "gateway", "agent_reports_received", not_reports, "on_agent_reports")
    # Nothing of them is redelivered forever: the next message is stored.
    deliver_reports(monitoring, config, report(clock, "r3"))
    assert sorted(r["id"] for r in rpc.reports(CALLER, "c1", {})["items"]) == ["r1", "r2", "r3"]


def test_a_report_in_a_message_of_its_own_as_gateways_sent_them_before_batching_is_stored(rpc, monitoring, config,
                                                                                           clock):
    rpc.track_account(account_event(1))
    rpc.track_computer(computer_event(clock, 1))
    deliver(monitoring, config, "gateway", "agent_report_received", report(clock, "r-old", 9), "on_agent_report")
    assert [r["id"] for r in rpc.reports(CALLER, "c1", {})["items"]] == ["r-old"]


def test_reports_arriving_together_are_stored_together_and_a_bad_one_keeps_none_out(rpc, monitoring, config, clock):
    rpc.track_account(account_event(1))
    rpc.track_computer(computer_event(clock, 1))
    dispatch = event_dispatcher(config)
    start = clock.now() - dt.timedelta(hours=1)
    burst = []
    for n in range(30):
        finished = start + dt.timedelta(minutes=n)
        burst.append({**report(clock, f"r{n:02d}", bytes_backed_up=1000 + n), "finished_at": iso(finished),
                      "started_at": iso(finished - dt.timedelta(minutes=1))})
    burst.insert(10, {**report(clock, "r-poison"), "computer_id": "no-such-computer"})
    burst.insert(20, burst[3])  # delivered twice, in the same burst
    burst.reverse()  # the newest first: the latest backup must still win
    for start in range(0, len(burst), 4):  # messages of four, and one of a report alone
        dispatch("gateway", "agent_reports_received", {"reports": burst[start:start + 4]})
    dispatch("gateway", "agent_report_received", burst[0])

    def stored():
        return {r["id"] for r in rpc.reports(CALLER, "c1", {"limit": "200"})["items"]}

    deadline = time.monotonic() + 20
    while len(stored()) < 30 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert stored() == {f"r{n:02d}" for n in range(30)}
    assert rpc.overview(CALLER)["bytes_backed_up"] == 1029  # the latest backup's


def test_a_report_out_of_the_contract_fails_only_itself_and_is_not_redelivered(rpc, monitoring, config, clock,
                                                                                caplog):
    rpc.track_account(account_event(1))
    rpc.track_computer(computer_event(clock, 1))
    too_big = {**report(clock, "r-too-big"), "bytes_backed_up": 2**70}  # past the contract, and any column
    dispatch = event_dispatcher(config)
    dispatch("gateway", "agent_reports_received", {"reports": [report(clock, "r1"), too_big, report(clock, "r2")]})
    dispatch("gateway", "agent_reports_received", {"reports": [report(clock, "r3")]})

    def stored():
        return sorted(r["id"] for r in rpc.reports(CALLER, "c1", {})["items"])

    deadline = time.monotonic() + 20
    while len(stored()) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    assert stored() == ["r1", "r2", "r3"]
    assert not [record for record in caplog.records if "error handling worker" in record.getMessage()]
