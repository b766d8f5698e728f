"""The whole Partner Portal in one process, for tests and for operators.

`System` boots every service and the gateway on a broker (a fresh vhost of it by default), with
fresh databases (SQLite files in a folder of its own, or the URIs given), migrated as in
production, and a clock the caller can move. `system.client()` is an HTTP client of the gateway.

    python -m tests.harness --amqp-uri amqp://guest:guest@127.0.0.1:5672/

starts the same thing and prints the gateway's URL, for poking at by hand.
"""

import argparse
import contextlib
import pathlib
import random
import socket
import string
import tempfile
import urllib.parse

import requests
from nameko.runners import ServiceRunner

from portal_common import migrate
from portal_common.clock import CLOCK_CONFIG_KEY, FakeClock

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_MANAGEMENT_URI = "http://guest:guest@127.0.0.1:15672"
# What identity seals second-factor seeds with in a test system (a fresh Fernet key).
TEST_SEED_KEY = "9x4ptjv2FNJkA4cXxQmjR4q6ZHkK1Mr3pZp6V1R7bO8="
UNLIMITED_SIGN_INS = 1_000_000


def _identity():
    from identity.service import IdentityService

    return IdentityService


def _accounts():
    from accounts.service import AccountsService

    return AccountsService


def _billing():
    from billing.service import BillingService

    return BillingService


def _monitoring():
    from monitoring.service import MonitoringService

    return MonitoringService


def _notifications():
    from notifications.service import NotificationsService

    return NotificationsService


def _audit():
    from audit.service import AuditService

    return AuditService


def _gateway():
    from gateway.service import GatewayService

    return GatewayService


# name: (folder with alembic.ini, service class loader). Later services add themselves here.
SERVICES = {
    "identity": (ROOT / "services" / "identity", _identity),
    "accounts": (ROOT / "services" / "accounts", _accounts),
    "billing": (ROOT / "services" / "billing", _billing),
    "monitoring": (ROOT / "services" / "monitoring", _monitoring),
    "notifications": (ROOT / "services" / "notifications", _notifications),
    "audit": (ROOT / "services" / "audit", _audit),
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StartedInWith:
    """`with thing:` calls `start()` (and `stop()` if it fails halfway), then `stop()` at the end."""

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info):
        self.stop()


class Vhost:
    """A throw-away RabbitMQ vhost, made and removed through the management API."""

    def __init__(self, amqp_uri=DEFAULT_AMQP_URI, management_uri=DEFAULT_MANAGEMENT_URI):
        from nameko.testing.rabbit import Client

        self.parts = urllib.parse.urlparse(amqp_uri)
        self.name = "portal_test_" + "".join(random.choices(string.ascii_lowercase, k=10))
        self.manager = Client(management_uri)

    def __enter__(self):
        self.manager.create_vhost(self.name)
        self.manager.set_vhost_permissions(self.name, self.parts.username, ".*", ".*", ".*")
        return f"{self.parts.scheme}://{self.parts.netloc}/{self.name}"

    def __exit__(self, *exc_info):
        self.manager.delete_vhost(self.name)


class ApiClient(requests.Session):
    """`requests` with the gateway's base URL and an optional bearer token."""

    def __init__(self, base_url, token=None):
        super().__init__()
        self.base_url = base_url
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 30)
        return super().request(method, self.base_url + url, *args, **kwargs)


class System:
    def __init__(
        self,
        amqp_uri,
        data_dir=None,
        db_uris=None,
        clock=None,
        rpc_timeout=10,
        services=None,
        renewal_interval=0.2,
        sweep_interval=0.2,
        event_retry_delays="0.2,0.5,1,2",
        **config,
    ):
        self.amqp_uri = amqp_uri
        self.data_dir = pathlib.Path(data_dir or tempfile.mkdtemp(prefix="portal-"))
        self.clock = clock or FakeClock()
        self.services = services or list(SERVICES)
        self.db_uris = {
            name: (db_uris or {}).get(name) or f"sqlite:///{self.data_dir / (name + '.db')}" for name in self.services
        }
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.config = {
            "AMQP_URI": amqp_uri,
            "WEB_SERVER_ADDRESS": f"127.0.0.1:{self.port}",
            "RPC_TIMEOUT_SECONDS": rpc_timeout,
            # Renewals run often so tests that move the clock see them quickly.
            "RENEWAL_INTERVAL_SECONDS": renewal_interval,
            "STATUS_SWEEP_SECONDS": sweep_interval,
            "MAIL_DIR": str(self.data_dir / "mail"),
            "MAIL_SEND_SECONDS": 0.2,
            "WEBHOOK_POLL_SECONDS": 0.2,
            # A failed event comes back within a second, not after production's back-off.
            "EVENT_RETRY_DELAYS": event_retry_delays,
            "TOTP_KEYS": TEST_SEED_KEY,
            # Every test signs in from this one address: the per-address limit has its own test.
            "SIGN_IN_PER_ADDRESS_PER_MINUTE": UNLIMITED_SIGN_INS,
            "SIGN_IN_PER_SECOND": UNLIMITED_SIGN_INS,
            # Cheap argon2 parameters: thousands of sign-ups; the flood test asks for the real ones.
            "PASSWORD_HASHING": "fast",
            "DB_URIS": {f"{name}:Base": uri for name, uri in self.db_uris.items()},
            CLOCK_CONFIG_KEY: self.clock,
            **config,
        }
        self.runner = None

    def start(self):
        for name in self.services:
            migrate.upgrade(SERVICES[name][0], self.db_uris[name])
        self.runner = ServiceRunner(self.config)
        for name in self.services:
            self.runner.add_service(SERVICES[name][1]())
        self.runner.add_service(_gateway())
        self.runner.start()
        return self

    def stop(self):
        """Killed, not stopped gracefully: nothing of a throw-away system is worth the two seconds a
        graceful stop waits for its consumers (a minute and a half over the suite)."""
        if self.runner is not None:
            self.runner.kill()
            self.runner = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def client(self, token=None):
        return ApiClient(self.base_url, token)

    @contextlib.contextmanager
    def another_gateway(self, **config):
        """One more gateway instance on the same bus, as when the gateway is scaled out (with settings
        of its own, if given); yields its base URL."""
        from nameko.containers import ServiceContainer

        port = free_port()
        container = ServiceContainer(_gateway(), {**self.config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", **config})
        container.start()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            container.kill()


@contextlib.contextmanager
def system_of_its_own(request, data_dir, **config):
    """A system with settings of its own (short deadlines, tighter limits) on a fresh vhost of the
    test run's broker: for a test module whose settings the shared system cannot have."""
    with Vhost(request.config.getoption("RABBIT_AMQP_URI"), request.config.getoption("RABBIT_API_URI")) as vhost_uri:
        with System(vhost_uri, data_dir=data_dir, **config) as system:
            yield system


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--amqp-uri", default=DEFAULT_AMQP_URI)
    parser.add_argument("--management-uri", default=DEFAULT_MANAGEMENT_URI)
    args = parser.parse_args()
    with Vhost(args.amqp_uri, args.management_uri) as vhost_uri, System(vhost_uri) as system:
        print(
            f"Partner Portal test system at {system.base_url} (data in {system.data_dir}); Ctrl-C stops it", flush=True
        )
        try:
            import eventlet

            while True:
                eventlet.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    import eventlet

    eventlet.monkey_patch()
    main()
