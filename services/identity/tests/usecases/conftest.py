"""Identity's use cases on its own unit of work over an in-memory database (`tests.in_memory`): the
service's rules in milliseconds, with no broker and no gateway. Passwords are hashed as test systems
hash them (`PASSWORD_HASHING: fast`), and seeds sealed with a key of the test's own."""

import pytest
from argon2 import PasswordHasher as Argon2
from cryptography.fernet import Fernet

from tests.in_memory import in_memory

from identity.adapters import sealed
from identity.adapters.orm import Base
from identity.adapters.unit_of_work import IdentityUnitOfWork
from identity.dependencies import HASHING_COSTS, Hasher


@pytest.fixture
def uow():
    return in_memory(IdentityUnitOfWork, Base, "identity")


@pytest.fixture(scope="session")
def hasher():
    return Hasher(Argon2(**HASHING_COSTS["fast"]), at_once=1)


@pytest.fixture(autouse=True)
def seed_keys():
    sealed.use_keys([Fernet.generate_key()])
