"""Each service's migrations build exactly the tables its models describe (no `create_all` drift)."""
import json

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
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


def test_accounts_made_before_the_ready_list_get_their_item_on_upgrade(tmp_path):
    """Revision 0004 writes each existing account's item of the list, as the service would."""
    uri = f"sqlite:///{tmp_path / 'db.sqlite'}"
    folder = SERVICES["accounts"][0]
    command.upgrade(migrate.alembic_config(folder, uri), "0003")
    row = {"id": "01a", "partner_id": "p1", "name": "Contoso", "contact_email": "it@contoso.test",
           "administered": False, "created_at": "2026-11-01 10:00:00", "version": 1, "computers": 2,
           "servers": 0, "billing_version": 1, "status": "active", "product": "safe", "plan": "basic",
           "expires_at": "2027-11-01 10:00:00", "seats": 2, "server_seats": 0, "backup_version": 0,
           "bytes_backed_up": 7, "computers_not_backing_up": 1}
    engine = create_engine(uri)
    with engine.begin() as connection:
        connection.execute(text(f"INSERT INTO accounts ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})"),
                           row)
    migrate.upgrade(folder, uri)
    with engine.connect() as connection:
        listed = connection.execute(text("SELECT listed FROM accounts")).scalar_one()
    engine.dispose()
    assert json.loads(listed) == {
        "id": "01a", "name": "Contoso", "contact_email": "it@contoso.test", "role": "Reseller", "status": "active",
        "product": "safe", "plan": "basic", "expires_at": "2027-11-01T10:00:00Z", "computers": 2,
        "bytes_backed_up": 7, "computers_not_backing_up": 1, "created_at": "2026-11-01T10:00:00Z"}


def test_an_upgrade_that_fails_on_sqlite_leaves_the_database_as_it_was(tmp_path):
    """SQLite upgrades run in one transaction with foreign keys checked at the end: a dangling
    reference fails the upgrade, and nothing of it stays (not even its DDL)."""
    uri = f"sqlite:///{tmp_path / 'db.sqlite'}"
    folder = SERVICES["accounts"][0]
    command.upgrade(migrate.alembic_config(folder, uri), "0003")
    engine = create_engine(uri)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO computers (id, account_id, name, kind, agent_key_hash, created_at) "
                                "VALUES ('c1', 'no-such-account', 'PC', 'workstation', 'h', '2026-11-01 10:00:00')"))
    with pytest.raises(RuntimeError, match="refer to missing"):
        migrate.upgrade(folder, uri)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0003"
        columns = [row[1] for row in connection.execute(text("PRAGMA table_info(accounts)"))]
    engine.dispose()
    assert "listed" not in columns
