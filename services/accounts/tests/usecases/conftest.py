"""Accounts' use cases on an in-memory unit of work (`tests.in_memory`)."""

import pytest

from tests.in_memory import in_memory

from accounts.adapters.orm import Base
from accounts.adapters.unit_of_work import AccountsUnitOfWork


@pytest.fixture
def uow():
    return in_memory(AccountsUnitOfWork, Base, "accounts")
