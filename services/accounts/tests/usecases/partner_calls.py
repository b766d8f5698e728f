"""Accounts' use cases as the service's entrypoints call them, for the use-case tests: a partner
opening accounts and adding users and computers, on the unit of work given."""

import datetime as dt
import json

from portal_common.schemas import accounts as api
from portal_common.schemas import load

from accounts.usecases import accounts, members

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)
PARTNER = {"partner_id": "partner-1", "employee_id": "employee-1", "role": "owner"}
OTHER_PARTNER = {"partner_id": "partner-2", "employee_id": "employee-2", "role": "owner"}
TWO_SEATS = {"seats": 2, "server_seats": 0}


def open_account(uow, name="Contoso", administered=True, caller=PARTNER):
    email = f"it@{name.split()[0].lower()}.test"
    data = load(api.AccountCreateRequest, {"name": name, "contact_email": email, "administered": administered})
    return accounts.create_account(uow, NOW, caller, data)


def listed(uow, caller=PARTNER, **query):
    page = accounts.list_accounts(uow, caller, load(api.AccountQuery, query))
    return json.loads(page)["items"]


def add_user(uow, account_id, email, name="Pat"):
    return members.add_user(uow, NOW, PARTNER, account_id, load(api.UserCreateRequest, {"email": email, "name": name}))


def add_computer(uow, account_id, name, kind="workstation", seats=TWO_SEATS):
    data = load(api.ComputerCreateRequest, {"name": name, "kind": kind})
    return members.add_computer(uow, NOW, PARTNER, account_id, data, seats)
