import pathlib

import pytest

from portal_common.clock import FakeClock
from tests.service_config import service_config

IDENTITY_DIR = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def config(rabbit_config, tmp_path, clock):
    return service_config("identity", IDENTITY_DIR, rabbit_config, tmp_path, clock)


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
