"""The partner's customer accounts: open, list, look at, release."""

import datetime as dt
from typing import Any

from portal_common.activity import record
from portal_common.caller import Caller
from portal_common.errors import NotFound
from portal_common.events import ACCOUNT_CREATED, ACCOUNT_RELEASED
from portal_common.ids import new_id
from portal_common.pagination import decode_cursor, one_page
from portal_common.schemas import accounts as api
from portal_common.schemas import dump

from accounts.adapters import listing
from accounts.adapters.orm import Account
from accounts.adapters.unit_of_work import AccountsUnitOfWork
from accounts.usecases import views
from accounts.usecases.read_model import project


def find(uow: AccountsUnitOfWork, caller: Caller, account_id: str, for_update: bool = False) -> Account:
    """The partner's live account, or 404: another partner's and released accounts are not found."""
    account = uow.accounts.of_partner(caller["partner_id"], account_id, for_update)
    if account is None:
        raise NotFound("No such account.")
    return account


def _emit(uow, event_type, account, now):
    uow.emit(
        event_type,
        account.id,
        account.version,
        now,
        partner_id=account.partner_id,
        name=account.name,
        administered=account.administered,
        released=account.released_at is not None,
        item=dump(api.AccountItem, views.account(account)),
    )


def create_account(uow: AccountsUnitOfWork, now: dt.datetime, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    with uow:
        account = Account(
            id=new_id(),
            partner_id=caller["partner_id"],
            name=data["name"].strip(),
            contact_email=data["contact_email"].strip(),
            administered=data["administered"],
            created_at=now,
            version=1,
            computers=0,
            servers=0,
            billing_version=0,
            backup_version=0,
            status="none",
            bytes_backed_up=0,
            computers_not_backing_up=0,
        )
        project(account)
        uow.accounts.add(account)
        _emit(uow, ACCOUNT_CREATED, account, now)
        record(
            uow,
            now,
            account.partner_id,
            "account.created",
            ("account", account.id, account.name),
            f"Opened the account {account.name}" + ("" if account.administered else " (as its reseller)"),
        )
        uow.commit()
        return views.account(account)


def list_accounts(uow: AccountsUnitOfWork, caller: Caller, query: dict[str, Any]) -> Any:
    """A page of the partner's accounts, as the contract's JSON text (`adapters.listing`)."""
    after = decode_cursor(query["cursor"]) if query["cursor"] else None
    with uow:
        rows = uow.accounts.listed_page(
            caller["partner_id"], query["limit"] + 1, after, query.get("status"), query.get("q")
        )
    page, next_cursor = one_page(rows, query["limit"], lambda row: row.id)
    return listing.page_json([row.listed for row in page], next_cursor)


def account_briefs(uow: AccountsUnitOfWork, caller: Caller, account_ids: list[str]) -> list[dict[str, Any]]:
    """What the gateway checks before billing sells to accounts: each is this partner's and live."""
    with uow:
        return [
            {"id": account.id, "administered": account.administered}
            for account in (find(uow, caller, account_id) for account_id in account_ids)
        ]


def get_account(uow: AccountsUnitOfWork, caller: Caller, account_id: str) -> dict[str, Any]:
    with uow:
        account = find(uow, caller, account_id)
        computers = uow.computers.live_of_account(account.id)
        return {
            **views.account(account),
            "users": [views.user(row) for row in uow.users.of_account(account.id)],
            "computers": [views.computer(row) for row in computers],
            "computer_count": len(computers),
        }


def release_account(uow: AccountsUnitOfWork, now: dt.datetime, caller: Caller, account_id: str) -> dict[str, Any]:
    """The account leaves this partner; its users, computers and history stay as they are."""
    with uow:
        account = find(uow, caller, account_id)
        account.released_at = now
        account.version += 1
        project(account)
        _emit(uow, ACCOUNT_RELEASED, account, now)
        record(
            uow,
            now,
            account.partner_id,
            "account.released",
            ("account", account.id, account.name),
            f"Released the account {account.name}; its data stays with it",
        )
        uow.commit()
        return {"id": account.id, "status": "released"}
