"""initial audit tables

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

import portal_common.db

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "entries",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("occurred_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.String(length=26), nullable=True),
        sa.Column("target_kind", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=False),
        sa.Column("target_name", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_entries_partner_actor_time", ["partner_id", "actor_id", "occurred_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_entries_partner_target_time", ["partner_id", "target_id", "occurred_at", "id"], unique=False
        )
        batch_op.create_index("ix_entries_partner_time", ["partner_id", "occurred_at", "id"], unique=False)
        batch_op.create_index("ix_entries_partner_type_time", ["partner_id", "type", "occurred_at", "id"], unique=False)
        batch_op.create_index("ix_entries_time", ["occurred_at"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("people")
    op.drop_table("outbox")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_time")
        batch_op.drop_index("ix_entries_partner_type_time")
        batch_op.drop_index("ix_entries_partner_time")
        batch_op.drop_index("ix_entries_partner_target_time")
        batch_op.drop_index("ix_entries_partner_actor_time")

    op.drop_table("entries")
