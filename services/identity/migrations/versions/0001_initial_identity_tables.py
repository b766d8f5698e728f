"""initial identity tables

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
        "login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("at", portal_common.db.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_login_failures_email_key_at", ["email_key", "at"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "partners",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("primary_contact_id", sa.String(length=26), nullable=True),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "employees",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("partner_id", sa.String(length=26), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("totp_secret", sa.Text(), nullable=True),
        sa.Column("totp_pending_secret", sa.Text(), nullable=True),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email_key"),
    )
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employees_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "challenges",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("employee_id", sa.String(length=26), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("expires_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("completed_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_challenges_employee_id"), ["employee_id"], unique=False)

    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("employee_id", sa.String(length=26), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_codes_employee_id"), ["employee_id"], unique=False)

    op.create_table(
        "sessions",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("employee_id", sa.String(length=26), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("expires_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessions_employee_id"), ["employee_id"], unique=False)

    op.create_table(
        "trusted_devices",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("employee_id", sa.String(length=26), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("expires_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("last_used_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.Column("user_agent", sa.String(length=512), nullable=True),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("trusted_devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trusted_devices_employee_id"), ["employee_id"], unique=False)

    op.create_table(
        "employee_tokens",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("employee_id", sa.String(length=26), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("expires_at", portal_common.db.UtcDateTime(), nullable=False),
        sa.Column("used_at", portal_common.db.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("employee_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_employee_tokens_employee", ["employee_id", "purpose", "created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("employee_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_employee_tokens_employee")
    op.drop_table("employee_tokens")
    with op.batch_alter_table("trusted_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trusted_devices_employee_id"))

    op.drop_table("trusted_devices")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_employee_id"))

    op.drop_table("sessions")
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_codes_employee_id"))

    op.drop_table("recovery_codes")
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenges_employee_id"))

    op.drop_table("challenges")
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employees_partner_id"))

    op.drop_table("employees")
    op.drop_table("partners")
    op.drop_table("outbox")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_email_key_at")

    op.drop_table("login_failures")
