"""The identity service's unit of work: companies and their employees, the sessions and second
factors they sign in with, the links mailed to them, and the failed attempts the lockout counts."""

from sqlalchemy.orm import Session

from portal_common.unit_of_work import UnitOfWork

from identity.adapters.repository import (
    Challenges,
    Employees,
    EmployeeSessions,
    Links,
    LoginFailures,
    Partners,
    RecoveryCodes,
    TrustedDevices,
)


class IdentityUnitOfWork(UnitOfWork):
    partners: Partners
    employees: Employees
    employee_sessions: EmployeeSessions
    challenges: Challenges
    trusted_devices: TrustedDevices
    recovery_codes: RecoveryCodes
    links: Links
    login_failures: LoginFailures

    def open_repositories(self, session: Session) -> None:
        self.partners = Partners(session)
        self.employees = Employees(session)
        self.employee_sessions = EmployeeSessions(session)
        self.challenges = Challenges(session)
        self.trusted_devices = TrustedDevices(session)
        self.recovery_codes = RecoveryCodes(session)
        self.links = Links(session)
        self.login_failures = LoginFailures(session)
