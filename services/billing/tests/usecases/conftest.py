"""Billing's use cases on an in-memory unit of work (`tests.in_memory`): the service's own rules,
in milliseconds, with no broker and no gateway."""

import pytest

from portal_common.unit_of_work import UnitOfWork
from tests.in_memory import in_memory

from billing.adapters import catalog_file
from billing.adapters.orm import Base


@pytest.fixture
def uow():
    return in_memory(UnitOfWork, Base, "billing")


@pytest.fixture(scope="session")
def catalog():
    return catalog_file.load(None)
