"""Identity's tables. The migration in `migrations/versions` creates exactly these (a test compares)."""

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal_common.db import UtcDateTime
from portal_common.outbox import outbox_table

from identity.adapters.sealed import SealedText


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)


class Partner(Base):
    __tablename__ = "partners"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Kept here (accounts owns the company profile) so the contact cannot be removed or deactivated.
    primary_contact_id: Mapped[str | None] = mapped_column(String(26))
    # The company's policy (shown and set through accounts' company profile): while on, an employee
    # without a second factor gets a session that can only set one up.
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at = mapped_column(UtcDateTime, nullable=False)


class Employee(Base):
    __tablename__ = "employees"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    # Lower-cased email: unique across all partners, as sign-in knows no partner.
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None until an invitation is accepted
    # Sealed at rest (`adapters.sealed`): the column holds a Fernet token, the object the seed.
    totp_secret: Mapped[str | None] = mapped_column(SealedText)
    totp_pending_secret: Mapped[str | None] = mapped_column(SealedText)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Bumped on every change that events carry, so consumers keep only the newest.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at = mapped_column(UtcDateTime, nullable=False)

    @property
    def two_factor_enabled(self):
        return self.totp_secret is not None


class Session(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    employee_id: Mapped[str] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    created_at = mapped_column(UtcDateTime, nullable=False)
    expires_at = mapped_column(UtcDateTime, nullable=False)
    # Opened while the company required a second factor the employee had not set up: it may only set
    # one up, for as long as that stays so.
    setup_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Challenge(Base):
    __tablename__ = "challenges"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    employee_id: Mapped[str] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    created_at = mapped_column(UtcDateTime, nullable=False)
    expires_at = mapped_column(UtcDateTime, nullable=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    completed_at = mapped_column(UtcDateTime, nullable=True)


class RecoveryCode(Base):
    __tablename__ = "recovery_codes"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    employee_id: Mapped[str] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at = mapped_column(UtcDateTime, nullable=True)


class TrustedDevice(Base):
    __tablename__ = "trusted_devices"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    employee_id: Mapped[str] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UtcDateTime, nullable=False)
    expires_at = mapped_column(UtcDateTime, nullable=False)
    last_used_at = mapped_column(UtcDateTime, nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(512))


class LoginFailure(Base):
    """A failed (or in-flight) password check for an email, or a wrong code for `code:<employee>`."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_email_key_at", "email_key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email_key: Mapped[str] = mapped_column(String(254))
    at = mapped_column(UtcDateTime, nullable=False)


INVITATION, RESET = "invitation", "reset"  # what an employee's token is for


class EmployeeToken(Base):
    """A single-use link's secret (an invitation, a password reset), stored as its SHA-256."""

    __tablename__ = "employee_tokens"
    __table_args__ = (Index("ix_employee_tokens_employee", "employee_id", "purpose", "created_at"),)

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    employee_id: Mapped[str] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))  # INVITATION, RESET
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UtcDateTime, nullable=False)
    expires_at = mapped_column(UtcDateTime, nullable=False)
    used_at = mapped_column(UtcDateTime, nullable=True)
