"""trials converted to a paid subscription

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("converted_to", sa.String(length=26), nullable=True))


def downgrade():
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_column("converted_to")
