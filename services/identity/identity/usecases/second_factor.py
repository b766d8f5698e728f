"""Checking a second-factor code: a TOTP for a step not yet used, or an unused recovery code.

Both are claimed with conditional updates, so a code cannot be spent twice even by two requests
arriving together.
"""
from identity.adapters import repository
from identity.domain import credentials, totp


def spend_code(session, employee, code, now):
    """Accept `code` for `employee` and spend it; False when it is wrong, expired or used."""
    if not employee.totp_secret or not code:
        return False
    step = totp.accepted_step(employee.totp_secret, code, now, employee.totp_last_step)
    if step is not None:
        return repository.claim_totp_step(session, employee.id, step)
    if totp.looks_like_totp(code):
        return False
    return repository.claim_recovery_code(session, employee.id, credentials.recovery_code_digest(code), now)
