"""The system as `make run` starts it (one process per service and the gateway), but on its own
vhost, ports and databases, so a benchmark never touches a running system's data."""

import os
import pathlib
import subprocess
import sys
import time

import kombu
import requests
from sqlalchemy import func, select, table

from portal_common.db import make_engine
from portal_common.outbox import OUTBOX_TABLE
from tests.harness import TEST_SEED_KEY, UNLIMITED_SIGN_INS, Vhost, free_port

from scripts import run

BIN = pathlib.Path(sys.executable).parent
STARTUP_SECONDS = 60
EVENTS_DRAIN_SECONDS = 60  # the longest wait for the events of a load to be consumed


class Stack:
    def __init__(self, data_dir, db_uris=None, env=None):
        self.data_dir = pathlib.Path(data_dir)
        self.db_uris = {
            name: (db_uris or {}).get(name) or f"sqlite:///{self.data_dir / (name + '.db')}"
            for name, (_, _, has_db) in run.PROCESSES.items()
            if has_db
        }
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.extra_env = env or {}
        self.processes = []
        self._vhost = Vhost()

    def __enter__(self):
        self.amqp_uri = self._vhost.__enter__()
        self.env = {
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
            "AMQP_URI": self.amqp_uri,
            "GATEWAY_ADDRESS": f"127.0.0.1:{self.port}",
            "LOG_LEVEL": "WARNING",
            "METRICS_ADDRESS": "",  # never the ports of a `make run` beside
            "BENCH_ROUTES": "true",
            "TOTP_KEYS": TEST_SEED_KEY,
            # The benchmark signs many in from one address (the scale-out section measures sign-in).
            "SIGN_IN_PER_ADDRESS_PER_MINUTE": str(UNLIMITED_SIGN_INS),
            "SIGN_IN_PER_SECOND": str(UNLIMITED_SIGN_INS),
            **{f"{name.upper()}_DB_URI": uri for name, uri in self.db_uris.items()},
            **self.extra_env,
        }
        try:
            for name, (folder, _, has_db) in run.PROCESSES.items():
                if has_db:
                    subprocess.run(
                        [BIN / "python", "-m", "portal_common.migrate", folder, self.db_uris[name]],
                        cwd=run.ROOT,
                        env=self.env,
                        check=True,
                        capture_output=True,
                    )
            for name in run.PROCESSES:
                self.start(name)
            self.wait_healthy()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def start(self, name, cpus=None):
        """One more instance of `name` (a second one competes for the same queue); with `cpus`, held
        to those cores (util-linux's `taskset`, which every thread it starts inherits)."""
        log = open(self.data_dir / f"{name}-{len(self.processes)}.log", "w")
        held = ["taskset", "--cpu-list", ",".join(map(str, sorted(cpus)))] if cpus else []
        process = subprocess.Popen(
            held + run.nameko_command(name),
            cwd=run.ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.name = name
        refused = run.weigh(name, process.pid)
        if refused:
            print(f"bench: {refused}", flush=True)
        self.processes.append(process)
        return process

    def cpu_seconds(self):
        """CPU time so far of each process of the stack, and of the servers it uses (the whole
        RabbitMQ node, every PostgreSQL process: on a shared machine, others' work counts too)."""
        used = {}
        for process in self.processes:
            used[process.name] = used.get(process.name, 0) + _cpu_seconds(process.pid)
        for server, pattern in (("RabbitMQ", "beam.smp"), ("PostgreSQL", "^postgres")):
            pids = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split()
            used[server] = sum(_cpu_seconds(int(pid)) for pid in pids)
        return used

    def wait_for_events(self):
        """Seconds until every event of the load so far is consumed (or `EVENTS_DRAIN_SECONDS`, then
        it raises): a load is not done until the work it set off is. Consumed: no row in any
        service's outbox and no message ready in an event queue, twice in a row, 0.1 s apart (a consumer holds
        at most its prefetch besides, and may publish more). Retries and parked events are not
        counted: they wait on purpose."""
        engines = [make_engine(uri) for uri in self.db_uris.values()]
        names = [
            queue["name"]
            for queue in self._vhost.manager.get_queues(self._vhost.name)
            if _consumed_events(queue["name"]) and not queue.get("exclusive")  # a gateway's own: not ours to open
        ]
        started, quiet = time.monotonic(), 0
        try:
            with kombu.Connection(self.amqp_uri) as connection:
                channel = connection.channel()
                while True:
                    waiting = _outbox_rows(engines) + sum(
                        channel.queue_declare(name, passive=True).message_count for name in names
                    )
                    quiet = 0 if waiting else quiet + 1
                    if quiet == 2:
                        break
                    if time.monotonic() - started > EVENTS_DRAIN_SECONDS:
                        raise RuntimeError(f"events still waiting {EVENTS_DRAIN_SECONDS} s after the load")
                    time.sleep(0.1)
        finally:
            for engine in engines:
                engine.dispose()
        return time.monotonic() - started

    def wait_healthy(self):
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                raise RuntimeError(f"a process of the stack died: see the logs in {self.data_dir}")
            try:
                if requests.get(self.base_url + "/health", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the stack did not become healthy in {STARTUP_SECONDS} s: see {self.data_dir}")

    def stop_instance(self, process):
        run.stop({"instance": process})
        self.processes.remove(process)

    def __exit__(self, *exc_info):
        run.stop(dict(enumerate(self.processes)))
        self.processes = []
        self._vhost.__exit__(None, None, None)


def _outbox_rows(engines):
    rows = 0
    for engine in engines:
        with engine.connect() as connection:
            rows += connection.scalar(select(func.count()).select_from(table(OUTBOX_TABLE)))
    return rows


def _consumed_events(queue_name):
    """An event handler's queue (not its retries, nor what it parked)."""
    return queue_name.startswith("evt-") and ".retry-" not in queue_name and not queue_name.endswith(".dead")


def _cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
