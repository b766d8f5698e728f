import pytest

from portal_common import migrate
from portal_common.clock import FakeClock

IDENTITY_DIR = __import__("pathlib").Path(__file__).resolve().parents[2]


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def config(rabbit_config, tmp_path, clock):
    """Identity on a fresh vhost of the real broker, with a migrated SQLite file of its own."""
    uri = f"sqlite:///{tmp_path / 'identity.db'}"
    migrate.upgrade(IDENTITY_DIR, uri)
    return {**rabbit_config, "DB_URIS": {"identity:Base": uri}, "CLOCK": clock}


@pytest.fixture
def identity(container_factory, config):
    from identity.service import IdentityService

    container = container_factory(IdentityService, config)
    container.start()
    return container


@pytest.fixture
def rpc(config, identity):
    from nameko.standalone.rpc import ServiceRpcProxy

    with ServiceRpcProxy("identity", config) as proxy:
        yield proxy
