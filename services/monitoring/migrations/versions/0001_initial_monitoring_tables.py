"""initial monitoring tables

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
        "monitored_accounts",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("administered", sa.Boolean(), nullable=False),
        sa.Column("released", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("summary_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("monitored_accounts", schema=None) as batch_op:
        batch_op.create_index("ix_monitored_accounts_partner", ["partner_id", "administered", "released"], unique=False)

    op.create_table(
        "monitored_computers",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("account_id", sa.String(length=26), nullable=False),
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("state_version", sa.Integer(), nullable=False),
        sa.Column("last_backup_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.Column("last_status", sa.String(length=16), nullable=True),
        sa.Column("last_success_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.Column("bytes_backed_up", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("monitored_computers", schema=None) as batch_op:
        batch_op.create_index("ix_monitored_computers_account", ["account_id", "removed"], unique=False)
        batch_op.create_index("ix_monitored_computers_partner_state", ["partner_id", "removed", "state"], unique=False)
        batch_op.create_index(
            "ix_monitored_computers_partner_success", ["partner_id", "removed", "last_success_at"], unique=False
        )

    op.create_table(
        "outbox",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "partner_settings",
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("not_backing_up_after_hours", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("partner_id"),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("computer_id", sa.String(length=26), nullable=False),
        sa.Column("started_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("finished_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("bytes_selected", sa.BigInteger(), nullable=False),
        sa.Column("bytes_backed_up", sa.BigInteger(), nullable=False),
        sa.Column("files", sa.BigInteger(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("received_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index("ix_reports_computer_finished", ["computer_id", "finished_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_computer_finished")

    op.drop_table("reports")
    op.drop_table("partner_settings")
    op.drop_table("outbox")
    with op.batch_alter_table("monitored_computers", schema=None) as batch_op:
        batch_op.drop_index("ix_monitored_computers_partner_success")
        batch_op.drop_index("ix_monitored_computers_partner_state")
        batch_op.drop_index("ix_monitored_computers_account")

    op.drop_table("monitored_computers")
    with op.batch_alter_table("monitored_accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_monitored_accounts_partner")

    op.drop_table("monitored_accounts")
