"""Alembic, the same way for every service.

    python -m portal_common.migrate <service folder> <database URI>

upgrades that service's database to the newest revision. Each service's `migrations/env.py` calls
`run_migrations` with its metadata; SQLite gets batch mode so columns can be altered.
"""
import pathlib
import sys

from alembic import command
from alembic.config import Config

from portal_common.db import make_engine


def alembic_config(service_dir, db_uri):
    config = Config(str(pathlib.Path(service_dir) / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", db_uri.replace("%", "%%"))
    return config


def upgrade(service_dir, db_uri):
    command.upgrade(alembic_config(service_dir, db_uri), "head")


def run_migrations(context, metadata):
    url = context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=engine.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m portal_common.migrate <service folder> <database URI>")
    upgrade(sys.argv[1], sys.argv[2])
