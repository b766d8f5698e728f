"""What every service's own tests on the real broker start from: the service alone on a fresh vhost
(nameko's `rabbit_config`), with a freshly migrated SQLite file and a clock the test moves.

A service's `tests/service/conftest.py` says only what differs:

    clock, config, identity, rpc = service_fixtures("identity", IDENTITY_DIR, load_identity_service)
"""
import pytest

from portal_common import migrate
from portal_common.clock import FakeClock


def service_config(name, service_dir, rabbit_config, tmp_path, clock, **extra):
    uri = f"sqlite:///{tmp_path / (name + '.db')}"
    migrate.upgrade(service_dir, uri)
    return {**rabbit_config, "DB_URIS": {f"{name}:Base": uri}, "CLOCK": clock, **extra}


def service_fixtures(name, service_dir, load_service, **extra_config):
    """The fixtures `clock`, `config`, `<name>` (the running container) and `rpc` (a proxy to it)."""

    @pytest.fixture(name="clock")
    def clock_fixture():
        return FakeClock()

    @pytest.fixture(name="config")
    def config_fixture(rabbit_config, tmp_path, clock):
        return service_config(name, service_dir, rabbit_config, tmp_path, clock, **extra_config)

    @pytest.fixture(name=name)
    def container_fixture(container_factory, config):
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
