"""Accounts' revision 0002 makes computer names unique per account on a database that already has
computers: removed ones free their name, and live ones that already shared a name are kept as they
are (the oldest holds the name). On SQLite and on PostgreSQL."""

import contextlib

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from portal_common import migrate
from portal_common.db import make_engine
from tests.databases import POSTGRES, postgres_databases
from tests.harness import SERVICES
from tests.service_config import DATABASES

ACCOUNTS = SERVICES["accounts"][0]
ACCOUNT = (
    "INSERT INTO accounts (id, partner_id, name, contact_email, administered, created_at, version, computers, "
    "servers, billing_version, status, backup_version, bytes_backed_up, computers_not_backing_up, listed) "
    "VALUES (:id, 'p1', 'Contoso', 'it@c.test', true, '2026-11-01 10:00:00', 1, 0, 0, 0, 'none', 0, 0, 0, '{}')"
)
COMPUTER = (
    "INSERT INTO computers (id, account_id, name, kind, agent_key_hash, created_at, removed_at) "
    "VALUES (:id, :account_id, :name, 'workstation', :id, :created_at, :removed_at)"
)


@contextlib.contextmanager
def empty_database(kind, tmp_path):
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'accounts.db'}"
    else:
        with postgres_databases(POSTGRES, ["accounts"]) as uris:
            yield uris["accounts"]


@pytest.fixture(params=DATABASES)
def engine(request, tmp_path):
    with empty_database(request.param, tmp_path) as uri:
        yield from migrated_with_computers(uri)


def migrated_with_computers(uri):
    command.upgrade(migrate.alembic_config(ACCOUNTS, uri), "0001")
    engine = make_engine(uri)
    with engine.begin() as connection:
        for account_id in ("a1", "a2"):
            connection.execute(text(ACCOUNT), {"id": account_id})
        for computer_id, account_id, name, created_at, removed_at in (
            ("c1", "a1", "Front Desk", "2026-11-01 10:00:01.000000", "2026-11-02 10:00:00.000000"),
            ("c2", "a1", "FRONT  desk ", "2026-11-01 10:00:02.000000", None),
            ("c3", "a1", "front desk", "2026-11-01 10:00:03.000000", None),
            ("c4", "a1", "Server", "2026-11-01 10:00:04.000000", None),
            ("c5", "a2", "Front Desk", "2026-11-01 10:00:05.000000", None),
        ):
            connection.execute(
                text(COMPUTER),
                {
                    "id": computer_id,
                    "account_id": account_id,
                    "name": name,
                    "created_at": created_at,
                    "removed_at": removed_at,
                },
            )
    migrate.upgrade(ACCOUNTS, uri)
    yield engine
    engine.dispose()


def test_live_computers_get_their_names_key_the_oldest_of_a_shared_name_alone(engine):
    with engine.connect() as connection:
        keys = dict(connection.execute(text("SELECT id, name_key FROM computers")).all())
    assert keys == {"c1": None, "c2": "front desk", "c3": None, "c4": "server", "c5": "front desk"}


def test_the_database_refuses_a_second_live_name_in_an_account(engine):
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(COMPUTER),
            {
                "id": "c6",
                "account_id": "a1",
                "name": "Server",
                "created_at": "2026-11-03 10:00:00.000000",
                "removed_at": None,
            },
        )
        connection.execute(text("UPDATE computers SET name_key = 'server' WHERE id = 'c6'"))
