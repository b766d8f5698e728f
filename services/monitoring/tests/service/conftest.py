import pathlib

import pytest

from portal_common import migrate
from portal_common.clock import FakeClock

MONITORING_DIR = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def config(rabbit_config, tmp_path, clock):
    """Monitoring on a fresh vhost of the real broker, with a migrated SQLite file of its own."""
    uri = f"sqlite:///{tmp_path / 'monitoring.db'}"
    migrate.upgrade(MONITORING_DIR, uri)
    return {**rabbit_config, "DB_URIS": {"monitoring:Base": uri}, "CLOCK": clock, "STATUS_SWEEP_SECONDS": 3600}


@pytest.fixture
def monitoring(container_factory, config):
    from monitoring.service import MonitoringService

    container = container_factory(MonitoringService, config)
    container.start()
    return container


@pytest.fixture
def rpc(config, monitoring):
    from nameko.standalone.rpc import ServiceRpcProxy

    with ServiceRpcProxy("monitoring", config) as proxy:
        yield proxy
