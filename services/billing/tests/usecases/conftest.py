"""Billing's use cases on an in-memory unit of work (`tests.in_memory`): the service's own rules,
in milliseconds, with no broker and no gateway."""

import pytest

from tests.in_memory import in_memory

from billing.adapters import catalog_file
from billing.adapters.orm import Base
from billing.adapters.unit_of_work import BillingUnitOfWork


@pytest.fixture
def uow():
    return in_memory(BillingUnitOfWork, Base, "billing")


@pytest.fixture(scope="session")
def catalog():
    return catalog_file.load(None)
