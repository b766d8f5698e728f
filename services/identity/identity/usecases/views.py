"""The shapes identity answers with (dumped through the contract's schemas by the service)."""


def session_employee(employee):
    return {"id": employee.id, "email": employee.email, "name": employee.name, "role": employee.role}


def me(employee):
    return {
        **session_employee(employee),
        "partner_id": employee.partner_id,
        "two_factor_enabled": employee.two_factor_enabled,
    }


def employee(employee):
    status = status_of(employee)
    return {
        **session_employee(employee),
        "active": status == "active",
        "status": status,
        "two_factor_enabled": employee.two_factor_enabled,
    }


def status_of(employee):
    if not employee.active:
        return "deactivated"
    return "invited" if employee.password_hash is None else "active"


def device(device):
    return {
        "id": device.id,
        "created_at": device.created_at,
        "expires_at": device.expires_at,
        "last_used_at": device.last_used_at,
        "user_agent": device.user_agent,
    }
