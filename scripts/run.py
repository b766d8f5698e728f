"""`make run`: migrate every service's database, start every service and the gateway, prefix their
logs, and stop them all on Ctrl-C (or when one of them dies).

Each database is a SQLite file under DATA_DIR (default ./data) unless <SERVICE>_DB_URI points
elsewhere, e.g. IDENTITY_DB_URI=postgresql://127.0.0.1/identity.
"""

import os
import pathlib
import signal
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(sys.executable).parent

# name: (folder holding config.yml, nameko service path, has a database). docker-compose.yml starts
# the same list the same way (tests/test_compose.py checks it).
PROCESSES = {
    "identity": ("services/identity", "identity.service:IdentityService", True),
    "accounts": ("services/accounts", "accounts.service:AccountsService", True),
    "billing": ("services/billing", "billing.service:BillingService", True),
    "monitoring": ("services/monitoring", "monitoring.service:MonitoringService", True),
    "notifications": ("services/notifications", "notifications.service:NotificationsService", True),
    "audit": ("services/audit", "audit.service:AuditService", True),
    "gateway": ("gateway", "gateway.service:GatewayService", False),
}
# Identity's sign-ins are argon2id a person waits for: on a busy host it runs at twice the CPU weight
# of the other processes, as in the other shapes (Kubernetes requests twice the gateway's CPU for it,
# docker-compose.yml gives it cpu_shares 2048). A nice value of -3 weighs 1,991 against 0's 1,024.
CPU_NICE = {"identity": -3}
STOP_GRACE_SECONDS = 10
# Each process serves its metrics on its own port: the gateway the first, the services the next ones.
METRICS_HOST = "127.0.0.1"
FIRST_METRICS_PORT = 9100
PRIVATE_UMASK = 0o077  # files 0600, folders 0700
STARTUP_TIMEOUT_SECONDS = 60


def nameko_command(name):
    folder, service_path, _ = PROCESSES[name]
    return ["nameko", "run", "--config", f"{folder}/config.yml", service_path]


def weigh(name, pid):
    """Give the process its CPU weight (CPU_NICE): its own nice, which the threads it starts later
    inherit, and its scheduling group's, where Linux's autogroup puts each session in one (every
    process here leads its own session). Answers why not, when it could not: lowering a nice value
    takes root (CAP_SYS_NICE) or a raised nice limit (`ulimit -e`), and without it the process runs
    at the weight of the others."""
    nice = CPU_NICE.get(name)
    if nice is None:
        return None
    try:
        os.setpriority(os.PRIO_PROCESS, pid, nice)
    except OSError as error:
        why = f"{error.strerror}; it takes CAP_SYS_NICE or ulimit -e"
        return f"{name} runs at the CPU weight of the others: nice {nice} refused ({why})"
    autogroup = pathlib.Path(f"/proc/{pid}/autogroup")
    if autogroup.exists():
        try:
            autogroup.write_text(str(nice))
        except OSError as error:
            return f"{name}'s threads run at nice {nice}, its scheduling group at the others' weight ({error.strerror})"
    return None


def metrics_address(name):
    """`127.0.0.1:9100` for the gateway, 9101, 9102, ... for the services in PROCESSES' order; an
    operator's METRICS_ADDRESS_<NAME> wins."""
    order = ["gateway", *(process for process in PROCESSES if process != "gateway")]
    default = f"{METRICS_HOST}:{FIRST_METRICS_PORT + order.index(name)}"
    return os.environ.get(f"METRICS_ADDRESS_{name.upper()}", default)


def database_uri(name, data_dir):
    return os.environ.get(f"{name.upper()}_DB_URI") or f"sqlite:///{data_dir / (name + '.db')}"


def migrate(env, data_dir):
    for name, (folder, _, has_db) in PROCESSES.items():
        if has_db:
            uri = database_uri(name, data_dir)
            env[f"{name.upper()}_DB_URI"] = uri
            subprocess.run([BIN / "python", "-m", "portal_common.migrate", folder, uri], cwd=ROOT, env=env, check=True)


def relay(name, stream, width):
    for line in iter(stream.readline, ""):
        sys.stdout.write(f"{name:<{width}} | {line}")
        sys.stdout.flush()


def wait_until_up(url, children):
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children.values()):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def stop(children):
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()


def _interrupt(*_):
    raise KeyboardInterrupt


def stop_broker_we_started():
    """`make run` started the broker (scripts/ensure-broker.sh noted how): stop it with the rest."""
    marker = os.environ.get("BROKER_STARTED_FILE")
    if not marker or not os.path.exists(marker):
        return
    with open(marker) as file:
        how = file.read().strip()
    os.remove(marker)
    command = {"rabbitmq-server": ["rabbitmqctl", "stop"], "docker": ["docker", "stop", "partner-portal-rabbitmq"]}.get(
        how
    )
    if command:
        print(f"stopping the broker make run started ({how})", flush=True)
        subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def private_data(data_dir):
    """The data folder and everything made in it (databases, keys, mail) for this user only."""
    os.umask(PRIVATE_UMASK)
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)


def seed_keys(env, data_dir):
    """Identity seals second-factor seeds with the keys of TOTP_KEYS or TOTP_KEY_FILE; without
    either, a key of its own in the data folder, made on first start (0600) and kept after."""
    if env.get("TOTP_KEYS") or env.get("TOTP_KEY_FILE"):
        return
    key_file = data_dir / "totp.key"
    if not key_file.exists():
        from cryptography.fernet import Fernet

        key_file.touch(mode=0o600)
        key_file.write_text(Fernet.generate_key().decode() + "\n")
    env["TOTP_KEY_FILE"] = str(key_file)


def main():
    data_dir = pathlib.Path(os.environ.get("DATA_DIR", ROOT / "data")).resolve()
    private_data(data_dir)
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    seed_keys(env, data_dir)
    env.setdefault("MAIL_DIR", str(data_dir / "mail"))
    env.setdefault("WEBHOOKS_ALLOW_PRIVATE", "true")  # a development stack: endpoints on this machine are fine
    migrate(env, data_dir)

    width = max(map(len, PROCESSES))
    children = {}
    for name in PROCESSES:
        children[name] = subprocess.Popen(
            nameko_command(name),
            cwd=ROOT,
            env={**env, "METRICS_ADDRESS": metrics_address(name)},
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        refused = weigh(name, children[name].pid)
        if refused:
            print(refused, file=sys.stderr, flush=True)
        threading.Thread(target=relay, args=(name, children[name].stdout, width), daemon=True).start()

    address = env.get("GATEWAY_ADDRESS", "127.0.0.1:8000")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if wait_until_up(f"http://{address}/health", children):
            print(f"Partner Portal is up on http://{address} (data in {data_dir}); Ctrl-C stops it", flush=True)
        while all(child.poll() is None for child in children.values()):
            time.sleep(0.5)
        dead = [name for name, child in children.items() if child.poll() is not None]
        print(f"{', '.join(dead)} stopped: stopping everything", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop(children)
        stop_broker_we_started()


if __name__ == "__main__":
    sys.exit(main())
