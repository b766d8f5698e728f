"""The accounts list: each account's item kept ready as the contract's JSON (`listed`), written by
whatever changes the row, and the columns other services own, kept from their events.

Each source stamps a version per account; an older or repeated one changes nothing, so an event
may arrive twice or late.
"""

from typing import Any

from portal_common.events import from_iso

from accounts.adapters import listing
from accounts.adapters.unit_of_work import AccountsUnitOfWork


def project(account: Any) -> None:
    """Write the account's item of the list from its row, after every change of the row."""
    account.listed = listing.listed_json(account)


def apply_billing_summary(uow: AccountsUnitOfWork, summary: dict[str, Any]) -> bool:
    with uow:
        account = uow.accounts.get(summary["id"], for_update=True)
        if account is None or summary["version"] <= account.billing_version:
            return False
        account.billing_version = summary["version"]
        account.status = summary["status"]
        account.product = summary["product"]
        account.plan = summary["plan"]
        account.expires_at = from_iso(summary["expires_at"])
        project(account)
        uow.commit()
        return True


def apply_backup_summary(uow: AccountsUnitOfWork, summary: dict[str, Any]) -> bool:
    with uow:
        account = uow.accounts.get(summary["id"], for_update=True)
        if account is None or summary["version"] <= account.backup_version:
            return False
        account.backup_version = summary["version"]
        account.bytes_backed_up = summary["bytes_backed_up"]
        account.computers_not_backing_up = summary["computers_not_backing_up"]
        project(account)
        uow.commit()
        return True
