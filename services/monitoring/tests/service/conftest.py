import pathlib

from tests.service_config import service_fixtures

MONITORING_DIR = pathlib.Path(__file__).resolve().parents[2]


def _service():
    from monitoring.service import MonitoringService

    return MonitoringService


clock, config, monitoring, rpc = service_fixtures("monitoring", MONITORING_DIR, _service, STATUS_SWEEP_SECONDS=3600)
