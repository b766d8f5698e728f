"""The system as `make run` starts it, one `nameko run` process per service and the gateway, here
on fresh PostgreSQL databases and a fresh vhost, with as many instances of a service as asked:

    with Processes(amqp_uri, db_uris, instances={"billing": 2}) as system:
        system.base_url
        system.kill("billing", 0)   # kill -9 one instance
"""

import importlib.util
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import requests

from portal_common import migrate
from tests.harness import ROOT, TEST_SEED_KEY, UNLIMITED_SIGN_INS, StartedInWith, free_port

STARTUP_SECONDS = 90
STOP_SECONDS = 10


def _run_script():
    spec = importlib.util.spec_from_file_location("portal_run_script", ROOT / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Processes(StartedInWith):
    def __init__(self, amqp_uri, db_uris, instances=None, rpc_timeout=3):
        self.run = _run_script()
        self.amqp_uri, self.db_uris = amqp_uri, db_uris
        self.instances = {name: (instances or {}).get(name, 1) for name in self.run.PROCESSES}
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.logs = pathlib.Path(tempfile.mkdtemp(prefix="portal-processes-"))
        self.env = {
            **os.environ,
            "PATH": f"{pathlib.Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
            "PYTHONUNBUFFERED": "1",
            "AMQP_URI": amqp_uri,
            "GATEWAY_ADDRESS": f"127.0.0.1:{self.port}",
            "RPC_TIMEOUT_SECONDS": str(rpc_timeout),
            "LOG_LEVEL": "WARNING",
            "METRICS_ADDRESS": "",  # never the ports of a `make run` beside
            "TOTP_KEYS": TEST_SEED_KEY,
            "SIGN_IN_PER_ADDRESS_PER_MINUTE": str(UNLIMITED_SIGN_INS),
            "SIGN_IN_PER_SECOND": str(UNLIMITED_SIGN_INS),
            **{f"{name.upper()}_DB_URI": uri for name, uri in db_uris.items()},
        }
        self.children = {}  # (name, n) -> Popen

    def start(self):
        for name, (folder, _, has_db) in self.run.PROCESSES.items():
            if has_db:
                migrate.upgrade(ROOT / folder, self.db_uris[name])
        for name, count in self.instances.items():
            for n in range(count):
                self.start_instance(name, n)
        self.wait_until_healthy()
        return self

    def start_instance(self, name, n):
        """Start (or start again, after `kill`) one instance, logging after what it logged before."""
        with open(self.logs / f"{name}-{n}.log", "a") as log:
            self.children[(name, n)] = subprocess.Popen(
                self.run.nameko_command(name),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_healthy(self):
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.healthy():
            dead = [key for key, child in self.children.items() if child.poll() is not None]
            assert not dead, f"{dead} exited at start-up: {self.log_tail()}"
            assert time.monotonic() < deadline, f"the system did not come up: {self.log_tail()}"
            time.sleep(0.3)

    def healthy(self):
        try:
            return requests.get(self.base_url + "/health", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def kill(self, name, n):
        """kill -9 one instance: no chance to finish anything, acknowledge anything or say goodbye."""
        child = self.children[(name, n)]
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)

    def alive(self, name, n):
        return self.children[(name, n)].poll() is None

    def stop(self):
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(5)
        shutil.rmtree(self.logs, ignore_errors=True)

    def log_tail(self, chars=3000):
        return "\n".join(f"--- {path.name}\n{path.read_text()[-chars:]}" for path in sorted(self.logs.glob("*.log")))
