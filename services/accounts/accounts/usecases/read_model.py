"""The accounts list: each account's item kept ready as the contract's JSON (`listed`), written by
whatever changes the row, and the columns other services own, kept from their events.

Each source stamps a version per account; an older or repeated one changes nothing, so an event
may arrive twice or late.
"""

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from portal_common.events import from_iso

from accounts.adapters import listing
from accounts.adapters.unit_of_work import AccountsUnitOfWork


def project(account: Any) -> None:
    """Write the account's item of the list from its row, after every change of the row."""
    account.listed = listing.listed_json(account)


def apply_billing_summaries(uow: AccountsUnitOfWork, summaries: list[dict[str, Any]]) -> int:
    return _keep_newer(
        uow,
        summaries,
        "billing_version",
        lambda summary: {
            "status": summary["status"],
            "product": summary["product"],
            "plan": summary["plan"],
            "expires_at": from_iso(summary["expires_at"]),
        },
    )


def apply_backup_summaries(uow: AccountsUnitOfWork, summaries: list[dict[str, Any]]) -> int:
    return _keep_newer(
        uow,
        summaries,
        "backup_version",
        lambda summary: {
            "bytes_backed_up": summary["bytes_backed_up"],
            "computers_not_backing_up": summary["computers_not_backing_up"],
        },
    )


def _keep_newer(
    uow: AccountsUnitOfWork,
    summaries: list[dict[str, Any]],
    version_column: str,
    columns_of: Callable[[dict[str, Any]], dict[str, Any]],
) -> int:
    """The columns another service owns, and the list's item with them, for each account whose newest
    summary here is newer than what it has from that service; in one transaction. Answers how many
    accounts changed."""
    newest: dict[str, dict[str, Any]] = {}
    for summary in summaries:
        if summary["version"] > newest.get(summary["id"], {}).get("version", -1):
            newest[summary["id"]] = summary
    changed = 0
    with uow:
        for account_id in sorted(newest):  # in one order: two instances never wait for each other's
            summary = newest[account_id]
            row = uow.accounts.row(account_id, for_update=True)
            if row is None or summary["version"] <= getattr(row, version_column):
                continue
            values = {version_column: summary["version"], **columns_of(summary)}
            values["listed"] = listing.listed_json(SimpleNamespace(**{**row._asdict(), **values}))
            uow.accounts.set_columns(account_id, values)
            changed += 1
        if changed:
            uow.commit()
    return changed
