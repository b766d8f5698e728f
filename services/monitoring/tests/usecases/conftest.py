"""Monitoring's use cases on an in-memory unit of work (`tests.in_memory`)."""

import pytest

from portal_common.unit_of_work import UnitOfWork
from tests.in_memory import in_memory

from monitoring.adapters.orm import Base


@pytest.fixture
def uow():
    return in_memory(UnitOfWork, Base, "monitoring", actor=None)
