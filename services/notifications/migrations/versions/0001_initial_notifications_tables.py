"""initial notifications tables

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
        "partners",
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("primary_contact_email", sa.String(length=254), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("partner_id"),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "alert_settings",
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("email_enabled", sa.Boolean(), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("events", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("partner_id"),
    )
    op.create_table(
        "alerts",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("subject", sa.String(length=26), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_partner_created", ["partner_id", "created_at"], unique=False)
        batch_op.create_index("ix_alerts_subject", ["subject", "version"], unique=False)

    op.create_table(
        "mails",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("partner_id", sa.String(length=26), nullable=True),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("sent_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.Column("send_before", portal_common.db.UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mails", schema=None) as batch_op:
        batch_op.create_index("ix_mails_status_next", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "webhooks",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("events", sa.Text(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.create_index("ix_webhooks_partner", ["partner_id", "id"], unique=False)

    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("webhook_id", sa.String(length=26), nullable=False),
        sa.Column("event_id", sa.String(length=120), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("next_attempt_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.Column("delivered_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("finished_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("webhook_id", "event_id"),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_deliveries_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_deliveries_webhook", ["webhook_id", "created_at"], unique=False)

    op.create_table(
        "attempts",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("delivery_id", sa.String(length=26), nullable=False),
        sa.Column("at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.create_index("ix_attempts_delivery", ["delivery_id", "at"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("outbox")
    op.drop_table("attempts")
    op.drop_table("deliveries")
    op.drop_table("webhooks")
    with op.batch_alter_table("mails", schema=None) as batch_op:
        batch_op.drop_index("ix_mails_status_next")
    op.drop_table("mails")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_subject")
        batch_op.drop_index("ix_alerts_partner_created")
    op.drop_table("alerts")
    op.drop_table("alert_settings")
    op.drop_table("accounts")
    op.drop_table("partners")
