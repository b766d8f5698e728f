"""A RabbitMQ node of a test's own, to stop and start at will.

The machine's broker (127.0.0.1:5672) is shared by every test run and by `make run`: a test never
stops it. `PrivateRabbit` starts another node of the installed rabbitmq-server, on free ports, with
its data, logs, cookie and config in a temporary folder, and no plugins:

    with PrivateRabbit() as rabbit:
        rabbit.amqp_uri          # amqp://guest:guest@127.0.0.1:<port>/
        rabbit.stop_app()        # the broker goes away (connections drop), the node stays
        rabbit.start_app()       # and comes back, with its durable queues and persistent messages
"""

import os
import pathlib
import random
import shutil
import signal
import string
import subprocess
import tempfile
import time

from tests.harness import StartedInWith, free_port

# Debian's /usr/sbin/rabbitmq-* switch to the rabbitmq user and drop the environment's HOME: the
# scripts behind them run the node as whoever calls them, with the settings given here.
SCRIPTS = pathlib.Path("/usr/lib/rabbitmq/bin")
START_SECONDS = 60


def _script(name):
    if (SCRIPTS / name).exists():
        return str(SCRIPTS / name)
    found = shutil.which(name)
    assert found, f"{name} is not installed (Debian: apt-get install rabbitmq-server)"
    return found


class PrivateRabbit(StartedInWith):
    def __init__(self):
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="portal-rabbit-"))
        suffix = "".join(random.choices(string.ascii_lowercase, k=8))
        self.node = f"portal-faults-{suffix}@localhost"
        self.port = free_port()
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:{self.port}/"
        (self.folder / "enabled_plugins").write_text("[].\n")
        (self.folder / "rabbitmq.conf").write_text(f"listeners.tcp.1 = 127.0.0.1:{self.port}\n")
        (self.folder / "rabbitmq-env.conf").write_text("")
        self.env = {
            **os.environ,
            "HOME": str(self.folder),  # the Erlang cookie the node and rabbitmqctl share
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(free_port()),
            "RABBITMQ_CONFIG_FILE": str(self.folder / "rabbitmq.conf"),
            "RABBITMQ_CONF_ENV_FILE": str(self.folder / "rabbitmq-env.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(self.folder / "advanced.config"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.folder / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(self.folder / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.folder / "log"),
            "RABBITMQ_PID_FILE": str(self.folder / "node.pid"),
        }

    def ctl(self, *args, check=True, timeout=60):
        return subprocess.run(
            [_script("rabbitmqctl"), "-n", self.node, *args],
            env=self.env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            check=check,
            timeout=timeout,
        )

    def start(self):
        subprocess.run(
            [_script("rabbitmq-server"), "-detached"],
            env=self.env,
            cwd=self.folder,
            check=True,
            capture_output=True,
            timeout=60,
        )
        deadline = time.monotonic() + START_SECONDS
        # await_startup fails at once while the node has not registered yet: ask until it has.
        while self.ctl("await_startup", "--timeout", "30", check=False).returncode != 0:
            assert time.monotonic() < deadline, f"the private RabbitMQ did not start: {self.log_tail()}"
            time.sleep(0.5)
        return self

    def stop_app(self):
        self.ctl("stop_app")

    def start_app(self):
        self.ctl("start_app")

    def stop(self):
        pid_file = self.folder / "node.pid"
        stopped = self.ctl("stop", str(pid_file), check=False).returncode == 0
        if not stopped and pid_file.exists():  # stop did not get through: end our node, by its id
            pid = pid_file.read_text().strip()
            cmdline = pathlib.Path(f"/proc/{pid}/cmdline")
            if pid.isdigit() and cmdline.exists() and self.node.encode() in cmdline.read_bytes():
                os.kill(int(pid), signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)

    def log_tail(self):
        logs = sorted((self.folder / "log").glob("*.log"))
        return "\n".join(path.read_text()[-2000:] for path in logs)
