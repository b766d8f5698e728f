"""primary contact

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
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('primary_contact_id', sa.String(length=26), nullable=True))
    # Partners signed up before this revision: their owner was the primary contact.
    op.execute(
        "UPDATE partners SET primary_contact_id = "
        "(SELECT id FROM employees WHERE employees.partner_id = partners.id AND employees.role = 'owner')"
    )



def downgrade():
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_column('primary_contact_id')

