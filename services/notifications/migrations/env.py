from alembic import context

from portal_common.migrate import run_migrations

from notifications.adapters.orm import Base

run_migrations(context, Base.metadata)
