import pathlib

import pytest

from portal_common.clock import FakeClock
from tests.service_config import service_config

ACCOUNTS_DIR = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def config(rabbit_config, tmp_path, clock):
    return service_config("accounts", ACCOUNTS_DIR, rabbit_config, tmp_path, clock, RPC_TIMEOUT_SECONDS=2)


@pytest.fixture
def accounts(container_factory, config):
    from accounts.service import AccountsService

    container = container_factory(AccountsService, config)
    container.start()
    return container


@pytest.fixture
def rpc(config, accounts):
    from nameko.standalone.rpc import ServiceRpcProxy

    with ServiceRpcProxy("accounts", config) as proxy:
        yield proxy
