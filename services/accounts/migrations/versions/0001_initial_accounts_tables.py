"""initial accounts tables

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
        "accounts",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("administered", sa.Boolean(), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("released_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("computers", sa.Integer(), nullable=False),
        sa.Column("servers", sa.Integer(), nullable=False),
        sa.Column("billing_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("product", sa.String(length=64), nullable=True),
        sa.Column("plan", sa.String(length=64), nullable=True),
        sa.Column("expires_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.Column("backup_version", sa.Integer(), nullable=False),
        sa.Column("bytes_backed_up", sa.BigInteger(), nullable=False),
        sa.Column("computers_not_backing_up", sa.Integer(), nullable=False),
        sa.Column("listed", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index("ix_accounts_partner_listed", ["partner_id", "released_at", "id"], unique=False)
        batch_op.create_index("ix_accounts_partner_status", ["partner_id", "status", "id"], unique=False)

    op.create_table(
        "companies",
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("line1", sa.String(length=200), nullable=True),
        sa.Column("line2", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=200), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("primary_contact_id", sa.String(length=26), nullable=False),
        sa.Column("primary_contact_name", sa.String(length=200), nullable=False),
        sa.Column("primary_contact_email", sa.String(length=254), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("partner_id"),
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
        "account_users",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("account_id", sa.String(length=26), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("account_users", schema=None) as batch_op:
        batch_op.create_index("ux_account_users_email", ["account_id", "email_key"], unique=True)

    op.create_table(
        "computers",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("account_id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("agent_key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("removed_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agent_key_hash"),
    )
    with op.batch_alter_table("computers", schema=None) as batch_op:
        batch_op.create_index("ix_computers_account", ["account_id", "removed_at"], unique=False)

    op.create_table(
        "logos",
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["companies.partner_id"],
        ),
        sa.PrimaryKeyConstraint("partner_id"),
    )


def downgrade():
    op.drop_table("logos")
    with op.batch_alter_table("computers", schema=None) as batch_op:
        batch_op.drop_index("ix_computers_account")

    op.drop_table("computers")
    with op.batch_alter_table("account_users", schema=None) as batch_op:
        batch_op.drop_index("ux_account_users_email")

    op.drop_table("account_users")
    op.drop_table("outbox")
    op.drop_table("companies")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_accounts_partner_status")
        batch_op.drop_index("ix_accounts_partner_listed")

    op.drop_table("accounts")
