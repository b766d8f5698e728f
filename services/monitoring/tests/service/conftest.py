import pathlib

import pytest

from portal_common.clock import FakeClock
from tests.service_config import service_config

MONITORING_DIR = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def config(rabbit_config, tmp_path, clock):
    return service_config("monitoring", MONITORING_DIR, rabbit_config, tmp_path, clock, STATUS_SWEEP_SECONDS=3600)


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
