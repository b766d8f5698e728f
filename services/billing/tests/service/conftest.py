import os
import pathlib

import pytest

from portal_common import migrate
from portal_common.clock import FakeClock
from tests.service_config import TEST_RETRY_DELAYS

BILLING_DIR = pathlib.Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("PORTAL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """Billing's database, fresh: SQLite, and PostgreSQL where races really run in parallel."""
    if request.param == "sqlite":
        uri = f"sqlite:///{tmp_path / 'billing.db'}"
        migrate.upgrade(BILLING_DIR, uri)
        yield uri
        return
    from tests.databases import postgres_databases

    with postgres_databases(POSTGRES, ["billing"]) as uris:
        migrate.upgrade(BILLING_DIR, uris["billing"])
        yield uris["billing"]


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def config(rabbit_config, database, clock):
    return {
        **rabbit_config,
        "DB_URIS": {"billing:Base": database},
        "CLOCK": clock,
        "RPC_TIMEOUT_SECONDS": 5,
        "RENEWAL_INTERVAL_SECONDS": 3600,
        "EVENT_RETRY_DELAYS": TEST_RETRY_DELAYS,
    }


@pytest.fixture
def billing(container_factory, config):
    from billing.service import BillingService

    container = container_factory(BillingService, config)
    container.start()
    return container


@pytest.fixture
def rpc_proxy(config, billing):
    from nameko.standalone.rpc import ServiceRpcProxy

    def make():
        return ServiceRpcProxy("billing", config)

    return make
