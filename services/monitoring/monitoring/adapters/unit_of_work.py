"""Monitoring's unit of work: its replica of accounts and computers, their reports, and each
partner's threshold."""

from sqlalchemy.orm import Session

from portal_common.unit_of_work import UnitOfWork

from monitoring.adapters.repository import Accounts, Computers, Reports, Settings


class MonitoringUnitOfWork(UnitOfWork):
    accounts: Accounts
    computers: Computers
    reports: Reports
    settings: Settings

    def open_repositories(self, session: Session) -> None:
        self.accounts = Accounts(session)
        self.computers = Computers(session)
        self.reports = Reports(session)
        self.settings = Settings(session)
