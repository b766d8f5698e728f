"""The accounts list: each account's item kept ready as the contract's JSON (`listed`), written by
whatever changes the row, and the columns other services own, kept from their events.

Each source stamps a version per account; an older or repeated one changes nothing, so an event
may arrive twice or late.
"""

from types import SimpleNamespace
from typing import Any

from portal_common.events import from_iso

from accounts.adapters import listing
from accounts.adapters.unit_of_work import AccountsUnitOfWork


def project(account: Any) -> None:
    """Write the account's item of the list from its row, after every change of the row."""
    account.listed = listing.listed_json(account)


def apply_billing_summary(uow: AccountsUnitOfWork, summary: dict[str, Any]) -> bool:
    return _keep_newer(
        uow,
        summary,
        "billing_version",
        status=summary["status"],
        product=summary["product"],
        plan=summary["plan"],
        expires_at=from_iso(summary["expires_at"]),
    )


def apply_backup_summary(uow: AccountsUnitOfWork, summary: dict[str, Any]) -> bool:
    return _keep_newer(
        uow,
        summary,
        "backup_version",
        bytes_backed_up=summary["bytes_backed_up"],
        computers_not_backing_up=summary["computers_not_backing_up"],
    )


def _keep_newer(uow: AccountsUnitOfWork, summary: dict[str, Any], version_column: str, **columns: Any) -> bool:
    """The columns another service owns, and the list's item with them, when `summary` is newer than
    what the account has from that service; answers whether it was."""
    with uow:
        row = uow.accounts.row(summary["id"], for_update=True)
        if row is None or summary["version"] <= getattr(row, version_column):
            return False
        changed = {version_column: summary["version"], **columns}
        changed["listed"] = listing.listed_json(SimpleNamespace(**{**row._asdict(), **changed}))
        uow.accounts.set_columns(summary["id"], changed)
        uow.commit()
        return True
