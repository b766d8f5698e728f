"""Each service's migrations build exactly the tables its models describe (no `create_all` drift)."""

import shutil

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

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


def head(folder):
    return ScriptDirectory.from_config(migrate.alembic_config(folder, "sqlite://")).get_current_head()


def test_each_services_revisions_are_one_line_numbered_from_its_initial_tables():
    for name, (folder, _) in SERVICES.items():
        names = sorted(path.name for path in (folder / "migrations" / "versions").glob("*.py"))
        assert names[0] == f"0001_initial_{name}_tables.py"
        assert [file_name[:4] for file_name in names] == [f"{number:04d}" for number in range(1, len(names) + 1)]
        assert head(folder) == names[-1][:4]  # one head: each revision follows the one before


ADD_A_COLUMN = """
from alembic import op
import sqlalchemy as sa

revision = 'note'
down_revision = '{head}'


def upgrade():
    with op.batch_alter_table('accounts') as batch_op:
        batch_op.add_column(sa.Column('note', sa.String(length=20), nullable=True))
"""


def test_an_upgrade_that_fails_on_sqlite_leaves_the_database_as_it_was(tmp_path):
    """SQLite upgrades run in one transaction with foreign keys checked at the end: a dangling
    reference fails the upgrade (here one that rebuilds the accounts table), and nothing of it stays
    (not even its DDL)."""
    folder = tmp_path / "accounts"
    shutil.copytree(
        SERVICES["accounts"][0] / "migrations", folder / "migrations", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(SERVICES["accounts"][0] / "alembic.ini", folder)
    (folder / "migrations" / "versions" / "9999_note.py").write_text(ADD_A_COLUMN.format(head=head(folder)))
    uri = f"sqlite:///{tmp_path / 'db.sqlite'}"
    command.upgrade(migrate.alembic_config(folder, uri), "0001")
    engine = create_engine(uri)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO computers (id, account_id, name, kind, agent_key_hash, created_at) "
                "VALUES ('c1', 'no-such-account', 'PC', 'workstation', 'h', '2026-11-01 10:00:00')"
            )
        )
    with pytest.raises(RuntimeError, match="refer to missing"):
        migrate.upgrade(folder, uri)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0001"
        columns = [row[1] for row in connection.execute(text("PRAGMA table_info(accounts)"))]
    engine.dispose()
    assert "note" not in columns and "listed" in columns
