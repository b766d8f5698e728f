"""Monitoring's tables: a replica of accounts and computers (from accounts' events), every backup
report, and each partner's threshold. The migration creates exactly these (a test compares)."""

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal_common.db import UtcDateTime
from portal_common.outbox import outbox_table


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)


class MonitoredAccount(Base):
    __tablename__ = "monitored_accounts"
    __table_args__ = (Index("ix_monitored_accounts_partner", "partner_id", "administered", "released"),)

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(26))
    name: Mapped[str] = mapped_column(String(200))
    administered: Mapped[bool] = mapped_column(Boolean)
    released: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer)  # accounts' version of it
    summary_version: Mapped[int] = mapped_column(Integer, default=0)  # of what we tell accounts


class MonitoredComputer(Base):
    __tablename__ = "monitored_computers"
    __table_args__ = (
        Index("ix_monitored_computers_partner_state", "partner_id", "removed", "state"),
        Index("ix_monitored_computers_account", "account_id", "removed"),
        Index("ix_monitored_computers_partner_success", "partner_id", "removed", "last_success_at"),
    )

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(26))
    partner_id: Mapped[str] = mapped_column(String(26))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    created_at = mapped_column(UtcDateTime, nullable=False)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer)  # accounts' version of it
    # The state as last computed: the sweep looks for the ones time has changed.
    state: Mapped[str] = mapped_column(String(16))
    state_version: Mapped[int] = mapped_column(Integer, default=1)
    last_backup_at = mapped_column(UtcDateTime, nullable=True)
    last_status: Mapped[str | None] = mapped_column(String(16))
    last_success_at = mapped_column(UtcDateTime, nullable=True)
    bytes_backed_up: Mapped[int] = mapped_column(BigInteger, default=0)


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_computer_finished", "computer_id", "finished_at", "id"),)

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    computer_id: Mapped[str] = mapped_column(String(26))
    started_at = mapped_column(UtcDateTime, nullable=False)
    finished_at = mapped_column(UtcDateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(16))
    bytes_selected: Mapped[int] = mapped_column(BigInteger)
    bytes_backed_up: Mapped[int] = mapped_column(BigInteger)
    files: Mapped[int] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    received_at = mapped_column(UtcDateTime, nullable=False)


class PartnerSettings(Base):
    __tablename__ = "partner_settings"

    partner_id: Mapped[str] = mapped_column(String(26), primary_key=True)
    not_backing_up_after_hours: Mapped[int] = mapped_column(Integer)
