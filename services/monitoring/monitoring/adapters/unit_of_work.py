"""Monitoring's unit of work: its replica of accounts and computers, their reports, and each
partner's threshold."""

from portal_common.unit_of_work import UnitOfWork

from monitoring.adapters.repository import Accounts, Computers, Reports, Settings


class MonitoringUnitOfWork(UnitOfWork):
    accounts: Accounts
    computers: Computers
    reports: Reports
    settings: Settings
