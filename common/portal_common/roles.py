"""The contract's role table: which roles hold which permission."""

OWNER, ADMIN, SALES, SUPPORT, VIEWER = "owner", "admin", "sales", "support", "viewer"
ROLES = (OWNER, ADMIN, SALES, SUPPORT, VIEWER)
ASSIGNABLE_ROLES = (ADMIN, SALES, SUPPORT, VIEWER)

VIEW = "view"
EDIT_COMPANY = "edit_company"
MANAGE_EMPLOYEES = "manage_employees"
MANAGE_ACCOUNTS = "manage_accounts"
RELEASE_ACCOUNTS = "release_accounts"
PURCHASE = "purchase"
VIEW_AUDIT_LOG = "view_audit_log"
# Every employee manages their own password, second factor and devices.
SELF = "self"

PERMISSIONS = {
    VIEW: set(ROLES),
    SELF: set(ROLES),
    EDIT_COMPANY: {OWNER, ADMIN},
    MANAGE_EMPLOYEES: {OWNER, ADMIN},
    MANAGE_ACCOUNTS: {OWNER, ADMIN, SUPPORT},
    RELEASE_ACCOUNTS: {OWNER, ADMIN},
    PURCHASE: {OWNER, ADMIN, SALES},
    VIEW_AUDIT_LOG: {OWNER, ADMIN},
}


def allows(role: str, permission: str) -> bool:
    return role in PERMISSIONS[permission]
