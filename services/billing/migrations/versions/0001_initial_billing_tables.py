"""initial billing tables

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
        "account_links",
        sa.Column("account_id", sa.String(length=26), nullable=False),
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("released", sa.Boolean(), nullable=False),
        sa.Column("summary_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account_id"),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("partner_id", "key"),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_partner", ["partner_id", "id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("account_id", sa.String(length=26), nullable=True),
        sa.Column("product", sa.String(length=64), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("term_years", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.Column("expires_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.Column("auto_renew", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("warned_days", sa.Integer(), nullable=True),
        sa.Column("warned_expires_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.create_index("ix_subscriptions_account", ["account_id"], unique=False)
        batch_op.create_index("ix_subscriptions_due", ["status", "expires_at"], unique=False)
        batch_op.create_index("ix_subscriptions_partner", ["partner_id", "id"], unique=False)

    op.create_table(
        "order_lines",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("order_id", sa.String(length=26), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=64), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("addon", sa.String(length=64), nullable=True),
        sa.Column("term_years", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_cents", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=26), nullable=True),
        sa.Column("subscription_id", sa.String(length=26), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_lines_order_id"), ["order_id"], unique=False)

    op.create_table(
        "subscription_addons",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("subscription_id", sa.String(length=26), nullable=False),
        sa.Column("addon", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("starts_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("subscription_addons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subscription_addons_subscription_id"), ["subscription_id"], unique=False)


def downgrade():
    with op.batch_alter_table("subscription_addons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscription_addons_subscription_id"))

    op.drop_table("subscription_addons")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_lines_order_id"))

    op.drop_table("order_lines")
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_subscriptions_partner")
        batch_op.drop_index("ix_subscriptions_due")
        batch_op.drop_index("ix_subscriptions_account")

    op.drop_table("subscriptions")
    op.drop_table("outbox")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_partner")

    op.drop_table("orders")
    op.drop_table("idempotency_keys")
    op.drop_table("account_links")
