import pathlib

import pytest

from portal_common import migrate
from portal_common.clock import FakeClock

ACCOUNTS_DIR = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def config(rabbit_config, tmp_path, clock):
    """Accounts on a fresh vhost of the real broker, with a migrated SQLite file of its own."""
    uri = f"sqlite:///{tmp_path / 'accounts.db'}"
    migrate.upgrade(ACCOUNTS_DIR, uri)
    return {**rabbit_config, "DB_URIS": {"accounts:Base": uri}, "CLOCK": clock, "RPC_TIMEOUT_SECONDS": 2}


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
