"""Billing's use cases on an in-memory unit of work (`tests.in_memory`): the service's own rules,
in milliseconds, with no broker and no gateway."""

import pytest

from tests.in_memory import InMemoryUnitOfWork

from billing.adapters import catalog_file
from billing.adapters.orm import Base


@pytest.fixture
def uow():
    return InMemoryUnitOfWork(Base, "billing")


@pytest.fixture(scope="session")
def catalog():
    return catalog_file.load(None)
