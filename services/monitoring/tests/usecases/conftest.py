"""Monitoring's use cases on an in-memory unit of work (`tests.in_memory`)."""

import pytest

from tests.in_memory import InMemoryUnitOfWork

from monitoring.adapters.orm import Base


@pytest.fixture
def uow():
    return InMemoryUnitOfWork(Base, "monitoring", actor=None)
