"""Fresh databases for a test system: SQLite files by default, or PostgreSQL databases made (and
dropped) on the server named by `--postgres` / `PORTAL_TEST_POSTGRES`, e.g.
`postgresql://postgres@127.0.0.1:5432`."""

import contextlib
import os
import random
import string

from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from portal_common.db import make_engine

POSTGRES = os.environ.get("PORTAL_TEST_POSTGRES") or "postgresql://postgres@127.0.0.1:5432"


@contextlib.contextmanager
def postgres_databases(server_uri, names):
    """One new database per name on `server_uri`; yields name -> URI and drops them afterwards."""
    suffix = "".join(random.choices(string.ascii_lowercase, k=8))
    databases = {name: f"portal_test_{name}_{suffix}" for name in names}
    admin = make_engine(f"{server_uri.rstrip('/')}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for database in databases.values():
                connection.execute(text(f'CREATE DATABASE "{database}"'))
        yield {name: f"{server_uri.rstrip('/')}/{database}" for name, database in databases.items()}
    finally:
        with admin.connect() as connection:
            for database in databases.values():
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def sessions_of(kind, metadata, tmp_path, **session_options):
    """A session factory over `metadata`'s tables in a fresh database of `kind` ("sqlite": a file in
    `tmp_path`; "postgresql": a database on `POSTGRES`, dropped after)."""
    if kind == "sqlite":
        context = contextlib.nullcontext({"db": f"sqlite:///{tmp_path / 'test.db'}"})
    else:
        context = postgres_databases(POSTGRES, ["db"])
    with context as uris:
        engine = make_engine(uris["db"])
        metadata.create_all(engine)
        try:
            yield sessionmaker(bind=engine, **session_options)
        finally:
            engine.dispose()
