from alembic import context

from audit.adapters.orm import Base
from portal_common.migrate import run_migrations

run_migrations(context, Base.metadata)
