"""Each service's migrations build exactly the tables its models describe (no `create_all` drift)."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from portal_common import migrate
from tests.harness import SERVICES


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_migrations_match_the_models(name, tmp_path):
    folder, load_service = SERVICES[name]
    uri = f"sqlite:///{tmp_path / 'db.sqlite'}"
    migrate.upgrade(folder, uri)
    metadata = load_service().uow.declarative_base.metadata
    engine = create_engine(uri)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata)
    engine.dispose()
    assert diff == []


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_migrating_twice_is_harmless(name, tmp_path):
    uri = f"sqlite:///{tmp_path / 'db.sqlite'}"
    migrate.upgrade(SERVICES[name][0], uri)
    migrate.upgrade(SERVICES[name][0], uri)
