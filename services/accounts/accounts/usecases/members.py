"""The users and computers of an account the partner administers."""

import datetime as dt
from typing import Any

from portal_common.activity import record
from portal_common.caller import Caller
from portal_common.errors import Conflict, NoFreeSeat, NotAdministrator, NotFound
from portal_common.events import COMPUTER_ADDED, COMPUTER_REMOVED, iso
from portal_common.ids import new_id
from portal_common.unit_of_work import ConstraintViolated

from accounts.adapters.orm import AccountUser, Computer
from accounts.adapters.unit_of_work import AccountsUnitOfWork
from accounts.domain import agent_keys, computer_names, seats
from accounts.usecases import views
from accounts.usecases.accounts import find
from accounts.usecases.read_model import project


def _administered(uow, caller, account_id, for_update=False):
    account = find(uow, caller, account_id, for_update)
    if not account.administered:
        raise NotAdministrator()
    return account


def add_user(
    uow: AccountsUnitOfWork, now: dt.datetime, caller: Caller, account_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    with uow:
        account = _administered(uow, caller, account_id)
        email_key = data["email"].strip().lower()
        if uow.users.by_email(account.id, email_key) is not None:
            raise Conflict("This account already has a user with that email.", {"email": ["Already a user."]})
        user = AccountUser(
            id=new_id(),
            account_id=account.id,
            email=data["email"].strip(),
            email_key=email_key,
            name=data["name"].strip(),
            created_at=now,
        )
        uow.users.add(user)
        record(
            uow,
            now,
            account.partner_id,
            "account_user.added",
            ("account_user", user.id, user.name),
            f"Added user {user.email} to {account.name}",
        )
        try:
            uow.commit()
        except ConstraintViolated:
            raise Conflict("This account already has a user with that email.") from None
        return views.user(user)


def remove_user(uow: AccountsUnitOfWork, now: dt.datetime, caller: Caller, account_id: str, user_id: str) -> None:
    with uow:
        account = _administered(uow, caller, account_id)
        user = uow.users.get(user_id)
        if user is None or user.account_id != account.id:
            raise NotFound("No such user on this account.")
        record(
            uow,
            now,
            account.partner_id,
            "account_user.removed",
            ("account_user", user.id, user.name),
            f"Removed user {user.email} from {account.name}",
        )
        uow.users.remove(user)
        uow.commit()


def _emit(uow, event_type, computer, account, now, version):
    uow.emit(
        event_type,
        computer.id,
        version,
        now,
        account_id=account.id,
        partner_id=account.partner_id,
        name=computer.name,
        kind=computer.kind,
        agent_key_hash=computer.agent_key_hash,
        created_at=iso(computer.created_at),
        removed=computer.removed_at is not None,
    )


def add_computer(
    uow: AccountsUnitOfWork, now: dt.datetime, caller: Caller, account_id: str, data: dict[str, Any], bought: Any
) -> dict[str, Any]:
    """`bought`: the seats the account's subscriptions give now, as billing answers them."""
    agent_key = agent_keys.new_agent_key()
    with uow:
        account = _administered(uow, caller, account_id, for_update=True)
        key = computer_names.name_key(data["name"])
        if uow.computers.live_named(account.id, key) is not None:
            raise _name_taken(data["name"])
        reason = seats.refuse_computer(
            data["kind"], account.computers, account.servers, bought["seats"], bought["server_seats"]
        )
        if reason:
            raise NoFreeSeat(
                reason,
                {
                    "seats": bought["seats"],
                    "server_seats": bought["server_seats"],
                    "computers": account.computers,
                    "servers": account.servers,
                },
            )
        computer = Computer(
            id=new_id(),
            account_id=account.id,
            name=data["name"].strip(),
            name_key=key,
            kind=data["kind"],
            agent_key_hash=agent_keys.digest(agent_key),
            created_at=now,
        )
        uow.computers.add(computer)
        account.computers += 1
        account.servers += computer.kind == "server"
        project(account)
        _emit(uow, COMPUTER_ADDED, computer, account, now, version=1)
        record(
            uow,
            now,
            account.partner_id,
            "computer.added",
            ("computer", computer.id, computer.name),
            f"Added {computer.kind} {computer.name} to {account.name}",
        )
        try:
            uow.commit()
        except ConstraintViolated:  # the database's unique name, should a concurrent add have slipped past
            raise _name_taken(data["name"]) from None
        return {**views.computer(computer), "agent_key": agent_key}


def _name_taken(name):
    return Conflict(
        f'This account already has a computer named "{name.strip()}": choose another name.',
        {"name": ["Another computer of this account has this name."]},
    )


def _free_name(uow, computer):
    """A removed computer's name is free again; but a computer that shared it from before names were
    unique (migration 0002 gave it no key) takes it over, so that the name stays taken."""
    key, computer.name_key = computer.name_key, None
    if key is None:
        return
    uow.flush()  # the key gone before a twin takes it: the unique index sees it once
    for other in uow.computers.unkeyed_live(computer.account_id):
        if computer_names.name_key(other.name) == key:
            other.name_key = key
            return


def remove_computer(
    uow: AccountsUnitOfWork, now: dt.datetime, caller: Caller, account_id: str, computer_id: str
) -> None:
    with uow:
        account = _administered(uow, caller, account_id, for_update=True)
        computer = uow.computers.get(computer_id)
        if computer is None or computer.account_id != account.id or computer.removed_at is not None:
            raise NotFound("No such computer on this account.")
        computer.removed_at = now
        _free_name(uow, computer)
        account.computers -= 1
        account.servers -= computer.kind == "server"
        project(account)
        _emit(uow, COMPUTER_REMOVED, computer, account, now, version=2)
        record(
            uow,
            now,
            account.partner_id,
            "computer.removed",
            ("computer", computer.id, computer.name),
            f"Removed {computer.kind} {computer.name} from {account.name}",
        )
        uow.commit()


def computer_monitored(uow: AccountsUnitOfWork, caller: Caller, computer_id: str) -> bool:
    """Whether monitoring shows the computer to the caller: live, of a live account the caller's
    partner administers."""
    with uow:
        return uow.computers.monitored_by(caller["partner_id"], computer_id)


def agent_identity(uow: AccountsUnitOfWork, key_hash: str) -> dict[str, Any] | None:
    """The computer an agent key belongs to, or None for an unknown or removed one."""
    with uow:
        found = uow.computers.by_agent_key(key_hash)
        if found is None:
            return None
        computer, partner_id = found
        return {"computer_id": computer.id, "account_id": computer.account_id, "partner_id": partner_id}
