"""seats and billing version

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import portal_common.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('servers', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('billing_version', sa.Integer(), nullable=False, server_default='0'))
    op.execute(
        "UPDATE accounts SET servers = (SELECT count(*) FROM computers WHERE computers.account_id = accounts.id"
        " AND computers.kind = 'server' AND computers.removed_at IS NULL)"
    )


def downgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('billing_version')
        batch_op.drop_column('servers')

