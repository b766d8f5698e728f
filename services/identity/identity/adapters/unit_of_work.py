"""The identity service's unit of work: companies and their employees, the sessions and second
factors they sign in with, the links mailed to them, and the failed attempts the lockout counts."""

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
