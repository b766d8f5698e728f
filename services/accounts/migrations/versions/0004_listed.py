"""each account's item of the list, kept ready as JSON

Revision ID: 0004
Revises: 0003
"""
import types

from alembic import op
import sqlalchemy as sa

from accounts.adapters.listing import listed_json
import portal_common.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# The columns an item of the list is made of, as they stand at this revision.
ACCOUNTS = sa.table(
    'accounts',
    sa.column('id', sa.String()), sa.column('name', sa.String()), sa.column('contact_email', sa.String()),
    sa.column('administered', sa.Boolean()), sa.column('status', sa.String()), sa.column('product', sa.String()),
    sa.column('plan', sa.String()), sa.column('expires_at', portal_common.db.UtcDateTime()),
    sa.column('computers', sa.Integer()), sa.column('bytes_backed_up', sa.BigInteger()),
    sa.column('computers_not_backing_up', sa.Integer()), sa.column('created_at', portal_common.db.UtcDateTime()),
    sa.column('listed', sa.Text()),
)


def upgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('listed', sa.Text(), nullable=True))
    connection = op.get_bind()
    for row in connection.execute(sa.select(ACCOUNTS)).all():
        listed = listed_json(types.SimpleNamespace(**row._mapping))
        connection.execute(sa.update(ACCOUNTS).where(ACCOUNTS.c.id == row.id).values(listed=listed))
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.alter_column('listed', existing_type=sa.Text(), nullable=False)


def downgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('listed')
