"""company two factor policy, and sessions that may only set a second factor up

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("require_two_factor", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("setup_only", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("setup_only")
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_column("require_two_factor")
