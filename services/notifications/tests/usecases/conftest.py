"""Notifications' use cases on an in-memory unit of work (`tests.in_memory`): the service's own
rules, in milliseconds, with no broker and no gateway."""

import pytest

from tests.in_memory import in_memory

from notifications.adapters.orm import Base
from notifications.adapters.unit_of_work import NotificationsUnitOfWork


@pytest.fixture
def uow():
    return in_memory(NotificationsUnitOfWork, Base, "notifications")
