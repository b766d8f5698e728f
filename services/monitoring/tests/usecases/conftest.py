"""Monitoring's use cases on an in-memory unit of work (`tests.in_memory`)."""

import pytest

from tests.in_memory import in_memory

from monitoring.adapters.orm import Base
from monitoring.adapters.unit_of_work import MonitoringUnitOfWork


@pytest.fixture
def uow():
    return in_memory(MonitoringUnitOfWork, Base, "monitoring", actor=None)
