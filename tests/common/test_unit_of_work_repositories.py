"""A service's unit of work declares its repositories; each `with uow:` binds them to its session."""

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from portal_common.repository import Repository
from portal_common.unit_of_work import UnitOfWork


class Things(Repository):
    pass


class ShopUnitOfWork(UnitOfWork):
    things: Things
    name: str  # not a repository: left alone


def test_declared_repositories_are_bound_to_the_session_of_each_use():
    uow = ShopUnitOfWork(sessionmaker(bind=create_engine("sqlite://")))
    assert ShopUnitOfWork.repositories == {"things": Things}
    with uow:
        first = uow.things
        assert isinstance(first, Things) and first.session is uow.session
    with uow.another() as twin:
        assert twin.things is not first and twin.things.session is twin.session
    assert not hasattr(uow, "name")
