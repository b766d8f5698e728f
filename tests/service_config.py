"""What every service's own tests on the real broker start from: the service alone on a fresh vhost
(nameko's `rabbit_config`), with a freshly migrated database and a clock the test moves. Each test
runs twice: on a SQLite file, and on a fresh PostgreSQL database (`PORTAL_TEST_POSTGRES`, by
default the local server), what runs when a service scales out.

A service's `tests/service/conftest.py` says only what differs:

    clock, config, identity, rpc = service_fixtures("identity", IDENTITY_DIR, load_identity_service)
"""

import contextlib

import pytest

from portal_common import migrate
from portal_common.clock import FakeClock
from tests.databases import POSTGRES, postgres_databases
from tests.harness import TEST_SEED_KEY

DATABASES = ["sqlite", "postgresql"]


@contextlib.contextmanager
def fresh_database(kind, name, service_dir, tmp_path):
    """A freshly migrated database of the service: a SQLite file, or a PostgreSQL database dropped after."""
    if kind == "sqlite":
        uri = f"sqlite:///{tmp_path / (name + '.db')}"
        migrate.upgrade(service_dir, uri)
        yield uri
        return
    with postgres_databases(POSTGRES, [name]) as uris:
        migrate.upgrade(service_dir, uris[name])
        yield uris[name]


# A failed event comes back within a second, and is parked after three tries.
TEST_RETRY_DELAYS = "0.2,0.5"


def service_config(name, uri, rabbit_config, clock, **extra):
    return {
        **rabbit_config,
        "DB_URIS": {f"{name}:Base": uri},
        "CLOCK": clock,
        "EVENT_RETRY_DELAYS": TEST_RETRY_DELAYS,
        "TOTP_KEYS": TEST_SEED_KEY,
        **extra,
    }


def service_fixtures(name, service_dir, load_service, **extra_config):
    """The fixtures `clock`, `config`, `<name>` (the running container) and `rpc` (a proxy to it)."""

    @pytest.fixture(name="clock")
    def clock_fixture():
        return FakeClock()

    @pytest.fixture(name="config", params=DATABASES)
    def config_fixture(request, rabbit_config, tmp_path, clock):
        # A value given as a function of the test's folder is made per test (a folder for files).
        extra = {key: value(tmp_path) if callable(value) else value for key, value in extra_config.items()}
        with fresh_database(request.param, name, service_dir, tmp_path) as uri:
            yield service_config(name, uri, rabbit_config, clock, **extra)

    @pytest.fixture(name=name)
    def container_fixture(config, container_factory):  # the database outlives the container
        container = container_factory(load_service(), config)
        container.start()
        return container

    @pytest.fixture(name="rpc")
    def rpc_fixture(request, config):
        from nameko.standalone.rpc import ServiceRpcProxy

        request.getfixturevalue(name)
        with ServiceRpcProxy(name, config) as proxy:
            yield proxy

    return clock_fixture, config_fixture, container_fixture, rpc_fixture
