"""The accounts service's unit of work: the partner's company and logo, its customer accounts, and
their users and computers."""

from sqlalchemy.orm import Session

from portal_common.unit_of_work import UnitOfWork

from accounts.adapters.repository import Accounts, Companies, Computers, Logos, Users


class AccountsUnitOfWork(UnitOfWork):
    companies: Companies
    logos: Logos
    accounts: Accounts
    users: Users
    computers: Computers

    def open_repositories(self, session: Session) -> None:
        self.companies = Companies(session)
        self.logos = Logos(session)
        self.accounts = Accounts(session)
        self.users = Users(session)
        self.computers = Computers(session)
