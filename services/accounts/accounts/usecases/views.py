"""The shapes accounts answers with (dumped through the contract's schemas by the service)."""

from typing import Any

LOGO_URL = "/v1/company/logo"


def company(row: Any, has_logo: bool) -> dict[str, Any]:
    return {
        "id": row.partner_id,
        "name": row.name,
        "address": {
            "line1": row.line1,
            "line2": row.line2,
            "city": row.city,
            "region": row.region,
            "postal_code": row.postal_code,
            "country": row.country,
        },
        "location": {"timezone": row.timezone},
        "primary_contact": {
            "id": row.primary_contact_id,
            "name": row.primary_contact_name,
            "email": row.primary_contact_email,
        },
        "logo_url": LOGO_URL if has_logo else None,
    }


def account(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "contact_email": row.contact_email,
        "role": "Administrator" if row.administered else "Reseller",
        "status": row.status,
        "product": row.product,
        "plan": row.plan,
        "expires_at": row.expires_at,
        "computers": row.computers,
        "bytes_backed_up": row.bytes_backed_up,
        "computers_not_backing_up": row.computers_not_backing_up,
        "created_at": row.created_at,
    }


def user(row: Any) -> dict[str, Any]:
    return {"id": row.id, "email": row.email, "name": row.name, "created_at": row.created_at}


def computer(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "kind": row.kind, "created_at": row.created_at}
