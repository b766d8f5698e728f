"""Identity's repositories, one per kind of row. Every read of a partner's data is scoped by partner id."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, func, or_, select, update

from portal_common.pagination import paginate
from portal_common.repository import Repository

from identity.adapters.orm import (
    Challenge,
    Employee,
    EmployeeToken,
    LoginFailure,
    Partner,
    RecoveryCode,
    Session,
    TrustedDevice,
)
from identity.domain import credentials

Page = tuple[Sequence[Any], str | None]  # the rows of a page, and the cursor to the next (None on the last)


class Partners(Repository):
    model = Partner

    def of_employee(self, employee: Employee) -> Partner:
        """The employee's company, which there always is."""
        return self.session.get_one(Partner, employee.partner_id)


class Employees(Repository):
    model = Employee

    def by_email(self, email_key: str) -> Employee | None:
        return self.session.scalars(select(Employee).where(Employee.email_key == email_key)).one_or_none()

    def email_in_use(self, email_key: str) -> bool:
        return self.session.scalars(select(func.count()).where(Employee.email_key == email_key)).one() > 0

    def of_partner(self, partner_id: str, employee_id: str) -> Employee | None:
        return self.session.scalars(
            select(Employee).where(Employee.id == employee_id, Employee.partner_id == partner_id)
        ).one_or_none()

    def page_of_partner(self, partner_id: str, limit: int, cursor: str | None) -> Page:
        return paginate(self.session, self._of_partner(partner_id), Employee.id, limit, cursor)

    def all_of_partner(self, partner_id: str) -> Sequence[Employee]:
        return self.session.scalars(self._of_partner(partner_id)).all()

    def _of_partner(self, partner_id: str) -> Select[Employee]:
        return select(Employee).where(Employee.partner_id == partner_id)

    def holding_any_of(self, columns: Sequence[str], for_update: bool = False) -> Sequence[Employee]:
        """The employees with any of these columns set; `for_update` locks their rows (PostgreSQL)."""
        stmt = select(Employee).where(or_(*(getattr(Employee, name).is_not(None) for name in columns)))
        return self.session.scalars(stmt.with_for_update() if for_update else stmt).all()

    def hold(self, employee_id: str) -> None:
        """Write the employee's row without changing it: the transaction holds the row (SQLite: the
        database) until it ends."""
        self.session.execute(update(Employee).where(Employee.id == employee_id).values(version=Employee.version))

    def claim_totp_step(self, employee_id: str, step: int) -> bool:
        """Record `step` as the last accepted one unless it (or a later one) already was.

        The condition is in the UPDATE so two requests racing with the same code cannot both win.
        """
        return self._changed_one(
            update(Employee)
            .where(
                Employee.id == employee_id,
                (Employee.totp_last_step.is_(None)) | (Employee.totp_last_step < step),
            )
            .values(totp_last_step=step)
        )


class EmployeeSessions(Repository):
    """The sessions employees sign in with (named so beside the unit of work's database session)."""

    model = Session

    def authenticated_by(self, token_hash: str, now: dt.datetime) -> Row[Session, Employee, bool] | None:
        """(session, employee, whether the company requires a second factor now), or None."""
        return self.session.execute(
            select(Session, Employee, Partner.require_two_factor)
            .join(Employee, Employee.id == Session.employee_id)
            .join(Partner, Partner.id == Employee.partner_id)
            .where(Session.token_hash == token_hash, Session.expires_at > now, Employee.active.is_(True))
        ).one_or_none()

    def delete_of(self, employee_id: str, keep_session_id: str | None = None) -> None:
        conditions = [Session.employee_id == employee_id]
        if keep_session_id:
            conditions.append(Session.id != keep_session_id)
        self._delete_where(*conditions)


class Challenges(Repository):
    model = Challenge

    def complete(self, challenge_id: str, now: dt.datetime) -> bool:
        """Complete a live challenge exactly once."""
        return self._changed_one(
            update(Challenge)
            .where(Challenge.id == challenge_id, Challenge.completed_at.is_(None))
            .values(completed_at=now)
        )


class TrustedDevices(Repository):
    model = TrustedDevice

    def trusted(self, employee_id: str, token_hash: str, now: dt.datetime) -> TrustedDevice | None:
        return self.session.scalars(
            select(TrustedDevice).where(
                TrustedDevice.token_hash == token_hash,
                TrustedDevice.employee_id == employee_id,
                TrustedDevice.expires_at > now,
            )
        ).one_or_none()

    def page_of_trusted(self, employee_id: str, now: dt.datetime, limit: int, cursor: str | None) -> Page:
        stmt = select(TrustedDevice).where(TrustedDevice.employee_id == employee_id, TrustedDevice.expires_at > now)
        return paginate(self.session, stmt, TrustedDevice.id, limit, cursor)

    def delete_of(self, employee_id: str) -> None:
        self._delete_where(TrustedDevice.employee_id == employee_id)


class RecoveryCodes(Repository):
    model = RecoveryCode

    def claim(self, employee_id: str, code_hash: str, now: dt.datetime) -> bool:
        return self._changed_one(
            update(RecoveryCode)
            .where(
                RecoveryCode.employee_id == employee_id,
                RecoveryCode.code_hash == code_hash,
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=now)
        )

    def delete_of(self, employee_id: str) -> None:
        self._delete_where(RecoveryCode.employee_id == employee_id)


class Links(Repository):
    """Mailed single-use links (`EmployeeToken`): invitations and password resets."""

    model = EmployeeToken

    def by_token_hash(self, token_hash: str, purpose: str) -> EmployeeToken | None:
        return self.session.scalars(
            select(EmployeeToken).where(EmployeeToken.token_hash == token_hash, EmployeeToken.purpose == purpose)
        ).one_or_none()

    def spend(self, link_id: str, now: dt.datetime) -> bool:
        """Mark the link used unless it was, or has expired (of two requests racing with one link, one wins)."""
        return self._changed_one(
            update(EmployeeToken)
            .where(EmployeeToken.id == link_id, EmployeeToken.used_at.is_(None), EmployeeToken.expires_at > now)
            .values(used_at=now)
        )

    def sent_since(self, employee_id: str, purpose: str, since: dt.datetime) -> int:
        return self.session.scalars(
            select(func.count()).where(
                EmployeeToken.employee_id == employee_id,
                EmployeeToken.purpose == purpose,
                EmployeeToken.created_at > since,
            )
        ).one()

    def void_of(self, employee_id: str, now: dt.datetime, purpose: str | None = None) -> None:
        """The employee's mailed links (`purpose`: invitation or reset; None: both) work no more. They
        stay, spent, while they count towards the reset links mailed in the last hour (a reset done
        must not allow three more mails at once); those past that and their expiry go."""
        conditions = [EmployeeToken.employee_id == employee_id]
        if purpose:
            conditions.append(EmployeeToken.purpose == purpose)
        self.session.execute(
            update(EmployeeToken)
            .where(*conditions, EmployeeToken.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        self._delete_where(
            *conditions,
            EmployeeToken.created_at <= now - credentials.RESET_LIMIT_WINDOW,
            EmployeeToken.expires_at <= now,
        )


class LoginFailures(Repository):
    model = LoginFailure

    def times_in_window(self, key: str, since: dt.datetime, before_id: int | None = None) -> Sequence[dt.datetime]:
        """When the attempts on this key inside the window (before attempt `before_id`) were made."""
        stmt = select(LoginFailure.at).where(LoginFailure.email_key == key, LoginFailure.at > since)
        if before_id is not None:
            stmt = stmt.where(LoginFailure.id < before_id)
        return self.session.scalars(stmt).all()

    def forget_before(self, key: str, before: dt.datetime) -> None:
        self._delete_where(LoginFailure.email_key == key, LoginFailure.at <= before)

    def delete(self, failure_id: int) -> None:
        self._delete_where(LoginFailure.id == failure_id)
