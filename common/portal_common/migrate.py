"""Alembic, the same way for every service.

    python -m portal_common.migrate <service folder> <database URI>

upgrades that service's database to the newest revision. Each service's `migrations/env.py` calls
`run_migrations` with its metadata; SQLite gets batch mode so columns can be altered.

    python -m portal_common.migrate <service folder> --revision "<message>"

writes the next revision from the difference between the models and the migrations so far.
"""

import pathlib
import shutil
import sys
import tempfile
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import Script
from sqlalchemy import MetaData, event

from portal_common.db import make_engine


def alembic_config(service_dir: str | pathlib.Path, db_uri: str) -> Config:
    config = Config(str(pathlib.Path(service_dir) / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", db_uri.replace("%", "%%"))
    return config


def upgrade(service_dir: str | pathlib.Path, db_uri: str) -> None:
    command.upgrade(alembic_config(service_dir, db_uri), "head")


def new_revision(service_dir: str | pathlib.Path, message: str) -> None:
    """Autogenerate the next revision, with the one template every service shares."""
    script = pathlib.Path(service_dir) / "migrations" / "script.py.mako"
    shutil.copy(pathlib.Path(__file__).parent / "templates" / "script.py.mako", script)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            uri = f"sqlite:///{scratch}/db.sqlite"
            upgrade(service_dir, uri)
            versions = list((pathlib.Path(service_dir) / "migrations" / "versions").glob("*.py"))
            written = command.revision(
                alembic_config(service_dir, uri), message=message, autogenerate=True, rev_id=f"{len(versions) + 1:04d}"
            )
        if not isinstance(written, Script):  # one revision asked for, so one comes back
            raise RuntimeError(f"alembic wrote no single revision: {written!r}")
        path = pathlib.Path(written.path)
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(line for line in lines if "### " not in line))
    finally:
        script.unlink()


def run_migrations(context: Any, metadata: MetaData) -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        event.listen(engine, "connect", _sqlite_for_migrations)
        event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=sqlite,
            transactional_ddl=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                raise RuntimeError("the migration would leave rows that refer to missing ones: rolled back")
    engine.dispose()


def _sqlite_for_migrations(dbapi_connection, _record):
    """The whole upgrade in one transaction (the driver would commit each DDL statement on its own),
    with foreign keys off: SQLite alters a column by copying its table to a new one, and a table
    others refer to cannot be dropped while they are enforced. SQLite's own procedure: off,
    rebuild, check every reference, commit."""
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[2] == "--revision":
        new_revision(sys.argv[1], sys.argv[3])
    elif len(sys.argv) == 3:
        upgrade(sys.argv[1], sys.argv[2])
    else:
        sys.exit("usage: python -m portal_common.migrate <service folder> (<database URI> | --revision <message>)")
