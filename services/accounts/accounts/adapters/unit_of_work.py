"""The accounts service's unit of work: the partner's company and logo, its customer accounts, and
their users and computers."""

from portal_common.unit_of_work import UnitOfWork

from accounts.adapters.repository import Accounts, Companies, Computers, Logos, Users


class AccountsUnitOfWork(UnitOfWork):
    companies: Companies
    logos: Logos
    accounts: Accounts
    users: Users
    computers: Computers
