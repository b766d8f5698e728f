"""Setting up, confirming and disabling two-step verification; the trusted devices it remembers."""

import datetime as dt
import io
from typing import Any

import segno

from portal_common.caller import Caller
from portal_common.errors import Conflict, InvalidCode, NotFound
from portal_common.ids import new_id

from identity.adapters.orm import RecoveryCode
from identity.adapters.unit_of_work import IdentityUnitOfWork
from identity.domain import credentials, totp
from identity.usecases import activity, views
from identity.usecases.access import access_changed
from identity.usecases.passwords import check_password
from identity.usecases.second_factor import use_code

QR_SCALE = 4


def set_up(uow: IdentityUnitOfWork, caller: Caller) -> dict[str, Any]:
    with uow:
        employee = uow.employees.get(caller["employee_id"])
        if employee.two_factor_enabled:
            raise Conflict("Two-step verification is already on: turn it off first to set it up again.")
        secret = totp.new_secret()
        employee.totp_pending_secret = secret
        uow.commit()
        uri = totp.provisioning_uri(secret, employee.email)
    qr_svg = _standalone_svg(segno.make(uri, error="m"))
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": qr_svg}


def _standalone_svg(qr):
    """The QR code as an SVG document that shows on its own (an <img> source, a file), not only
    inlined in HTML: with its namespace."""
    out = io.BytesIO()
    qr.save(out, kind="svg", xmldecl=False, scale=QR_SCALE)
    return out.getvalue().decode()


def confirm(uow: IdentityUnitOfWork, now: dt.datetime, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    with uow:
        employee = uow.employees.get(caller["employee_id"])
        if employee.two_factor_enabled:
            raise Conflict("Two-step verification is already on.")
        if not employee.totp_pending_secret:
            raise Conflict("Start the set-up first (POST /v1/me/2fa/setup).")
        step = totp.accepted_step(employee.totp_pending_secret, data["code"], now, None)
        if step is None:
            raise InvalidCode()
        employee.totp_secret = employee.totp_pending_secret
        employee.totp_pending_secret = None
        employee.totp_last_step = step
        codes = credentials.new_recovery_codes()
        uow.recovery_codes.delete_of(employee.id)
        for code in codes:
            uow.recovery_codes.add(
                RecoveryCode(id=new_id(), employee_id=employee.id, code_hash=credentials.recovery_code_digest(code))
            )
        activity.about(uow, now, employee, "two_factor.enabled", "Turned two-step verification on")
        access_changed(uow, employee.id, now)
        uow.commit()
    return {"recovery_codes": codes}


def disable(uow: IdentityUnitOfWork, hasher: Any, now: dt.datetime, caller: Caller, data: dict[str, Any]) -> None:
    with uow:
        employee = uow.employees.get(caller["employee_id"])
    if not employee.two_factor_enabled:
        raise Conflict("Two-step verification is not on.")
    check_password(uow, hasher, employee.email_key, employee.password_hash, data["password"], now)
    with uow:
        employee = uow.employees.get(employee.id)
        use_code(uow, employee, data["code"], now)
        employee.totp_secret = None
        employee.totp_pending_secret = None
        employee.totp_last_step = None
        uow.recovery_codes.delete_of(employee.id)
        uow.trusted_devices.delete_of(employee.id)
        activity.about(uow, now, employee, "two_factor.disabled", "Turned two-step verification off")
        access_changed(uow, employee.id, now)
        uow.commit()


def list_devices(uow: IdentityUnitOfWork, now: dt.datetime, caller: Caller, page: dict[str, Any]) -> dict[str, Any]:
    with uow:
        rows, next_cursor = uow.trusted_devices.page_of_trusted(caller["employee_id"], now, **page)
        return {"items": [views.device(row) for row in rows], "next_cursor": next_cursor}


def revoke_device(uow: IdentityUnitOfWork, now: dt.datetime, caller: Caller, device_id: str) -> None:
    with uow:
        device = uow.trusted_devices.get(device_id)
        if device is None or device.employee_id != caller["employee_id"]:
            raise NotFound("No such device.")
        uow.trusted_devices.remove(device)
        employee = uow.employees.get(device.employee_id)
        activity.about(
            uow,
            now,
            employee,
            "device.revoked",
            f"Stopped trusting a device ({(device.user_agent or 'unknown browser')[:80]})",
        )
        uow.commit()
