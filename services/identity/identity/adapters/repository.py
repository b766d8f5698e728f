"""Identity's queries. Every read of a partner's data is scoped by partner id."""

from sqlalchemy import delete, func, select, update

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


def employee_by_email(session, email_key):
    return session.scalars(select(Employee).where(Employee.email_key == email_key)).one_or_none()


def email_in_use(session, email_key):
    return session.scalar(select(func.count()).where(Employee.email_key == email_key)) > 0


def employee_of_partner(session, partner_id, employee_id):
    return session.scalars(
        select(Employee).where(Employee.id == employee_id, Employee.partner_id == partner_id)
    ).one_or_none()


def employees_of_partner(partner_id):
    return select(Employee).where(Employee.partner_id == partner_id)


def session_with_employee(session, token_hash, now):
    """(session, employee, whether the company requires a second factor now), or None."""
    return session.execute(
        select(Session, Employee, Partner.require_two_factor)
        .join(Employee, Employee.id == Session.employee_id)
        .join(Partner, Partner.id == Employee.partner_id)
        .where(Session.token_hash == token_hash, Session.expires_at > now, Employee.active.is_(True))
    ).one_or_none()


def delete_sessions(session, employee_id, keep_session_id=None):
    stmt = delete(Session).where(Session.employee_id == employee_id)
    if keep_session_id:
        stmt = stmt.where(Session.id != keep_session_id)
    session.execute(stmt)


def failures_in_window(session, key, since, before_id=None):
    """When the attempts on this key inside the window (before attempt `before_id`) were made."""
    stmt = select(LoginFailure.at).where(LoginFailure.email_key == key, LoginFailure.at > since)
    if before_id is not None:
        stmt = stmt.where(LoginFailure.id < before_id)
    return session.scalars(stmt).all()


def forget_failures_before(session, email_key, before):
    session.execute(delete(LoginFailure).where(LoginFailure.email_key == email_key, LoginFailure.at <= before))


def trusted_device(session, employee_id, token_hash, now):
    return session.scalars(
        select(TrustedDevice).where(
            TrustedDevice.token_hash == token_hash,
            TrustedDevice.employee_id == employee_id,
            TrustedDevice.expires_at > now,
        )
    ).one_or_none()


def devices_of(employee_id, now):
    return select(TrustedDevice).where(TrustedDevice.employee_id == employee_id, TrustedDevice.expires_at > now)


def delete_devices(session, employee_id):
    session.execute(delete(TrustedDevice).where(TrustedDevice.employee_id == employee_id))


def delete_links(session, employee_id, purpose=None):
    """The employee's mailed links (`purpose`: invitation or reset; None: both) work no more."""
    stmt = delete(EmployeeToken).where(EmployeeToken.employee_id == employee_id)
    if purpose:
        stmt = stmt.where(EmployeeToken.purpose == purpose)
    session.execute(stmt)


def delete_recovery_codes(session, employee_id):
    session.execute(delete(RecoveryCode).where(RecoveryCode.employee_id == employee_id))


def claim_totp_step(session, employee_id, step):
    """Record `step` as the last accepted one unless it (or a later one) already was.

    The condition is in the UPDATE so two requests racing with the same code cannot both win.
    """
    result = session.execute(
        update(Employee)
        .where(
            Employee.id == employee_id,
            (Employee.totp_last_step.is_(None)) | (Employee.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def claim_recovery_code(session, employee_id, code_hash, now):
    result = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.employee_id == employee_id,
            RecoveryCode.code_hash == code_hash,
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def claim_challenge(session, challenge_id, now):
    """Complete a live challenge exactly once."""
    result = session.execute(
        update(Challenge)
        .where(Challenge.id == challenge_id, Challenge.completed_at.is_(None))
        .values(completed_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
