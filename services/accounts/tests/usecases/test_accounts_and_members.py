"""Accounts' own rules, in milliseconds: the list kept from other services' summaries (an older or
repeated one changes nothing), users once per email, computers within their seats and once per
name, a reseller's account not administered here, and a released account gone for the partner with
its data kept."""

import datetime as dt

import pytest

from portal_common.errors import Conflict, NoFreeSeat, NotAdministrator, NotFound
from portal_common.events import iso

from accounts.usecases import accounts, members, read_model
from services.accounts.tests.usecases.partner_calls import (
    NOW,
    OTHER_PARTNER,
    PARTNER,
    add_computer,
    add_user,
    listed,
    open_account,
)


def billing_summary(account_id, version, status, plan="power"):
    expires = iso(NOW + dt.timedelta(days=365 * version))
    return {
        "id": account_id,
        "version": version,
        "status": status,
        "product": "safe-pro",
        "plan": plan,
        "expires_at": expires,
    }


def test_the_list_keeps_billings_newest_summary_whatever_order_they_come_in(uow):
    account = open_account(uow)

    assert read_model.apply_billing_summaries(uow, [billing_summary(account["id"], 2, "active", "ultimate")])
    assert not read_model.apply_billing_summaries(uow, [billing_summary(account["id"], 1, "trial", "core")])  # late
    assert not read_model.apply_billing_summaries(uow, [billing_summary(account["id"], 2, "expired")])  # twice
    assert not read_model.apply_billing_summaries(uow, [billing_summary("no-such-account", 1, "active")])

    [item] = listed(uow)
    assert (item["status"], item["plan"], item["expires_at"]) == (
        "active",
        "ultimate",
        iso(NOW + dt.timedelta(days=730)),
    )
    assert [row["id"] for row in listed(uow, status="active")] == [account["id"]]
    assert listed(uow, status="trial") == []


def test_summaries_that_came_together_leave_each_account_as_its_newest_says(uow):
    first, second = open_account(uow), open_account(uow, name="Fabrikam")
    summaries = [
        billing_summary(first["id"], 3, "active", "ultimate"),
        billing_summary(second["id"], 1, "trial", "core"),
        billing_summary(first["id"], 2, "trial", "core"),  # older, though it came after
        billing_summary("no-such-account", 1, "active"),
    ]
    assert read_model.apply_billing_summaries(uow, summaries) == 2
    assert {item["name"]: (item["status"], item["plan"]) for item in listed(uow)} == {
        first["name"]: ("active", "ultimate"),
        "Fabrikam": ("trial", "core"),
    }


def test_the_list_keeps_monitorings_newest_backup_summary(uow):
    account = open_account(uow)
    summary = {"id": account["id"], "bytes_backed_up": 5_000, "computers_not_backing_up": 2}

    assert read_model.apply_backup_summaries(uow, [{**summary, "version": 3}])
    assert not read_model.apply_backup_summaries(uow, [{**summary, "version": 2, "bytes_backed_up": 1}])  # late
    assert not read_model.apply_backup_summaries(uow, [{**summary, "version": 3, "bytes_backed_up": 1}])  # twice
    assert not read_model.apply_backup_summaries(uow, [{**summary, "id": "no-such-account", "version": 1}])

    [item] = listed(uow)
    assert (item["bytes_backed_up"], item["computers_not_backing_up"]) == (5_000, 2)


def test_the_list_searches_name_and_contact_email_and_is_the_partners_own(uow):
    contoso = open_account(uow, "Contoso")
    open_account(uow, "Fabrikam")
    open_account(uow, "Contoso Two", caller=OTHER_PARTNER)

    assert [item["id"] for item in listed(uow, q="CONTOSO")] == [contoso["id"]]
    assert [item["name"] for item in listed(uow, q="it@fabrikam")] == ["Fabrikam"]
    assert {item["name"] for item in listed(uow)} == {"Contoso", "Fabrikam"}
    with pytest.raises(NotFound):
        accounts.get_account(uow, OTHER_PARTNER, contoso["id"])


def test_users_are_unique_by_email_per_account_and_free_their_email_when_removed(uow):
    first, second = open_account(uow), open_account(uow, "Fabrikam")
    user = add_user(uow, first["id"], "Pat@Contoso.test")

    with pytest.raises(Conflict):
        add_user(uow, first["id"], "pat@contoso.TEST")
    add_user(uow, second["id"], "pat@contoso.test")  # another account may have the same person
    members.remove_user(uow, NOW, PARTNER, first["id"], user["id"])
    with pytest.raises(NotFound):
        members.remove_user(uow, NOW, PARTNER, first["id"], user["id"])
    assert add_user(uow, first["id"], "pat@contoso.test")["email"] == "pat@contoso.test"
    assert [kind for kind, _ in uow.activity()].count("account_user.added") == 3


def test_a_users_removal_is_the_accounts_own_and_recorded(uow):
    contoso, fabrikam = open_account(uow), open_account(uow, "Fabrikam")
    user = add_user(uow, contoso["id"], "pat@contoso.test")

    with pytest.raises(NotFound):
        members.remove_user(uow, NOW, PARTNER, fabrikam["id"], user["id"])
    members.remove_user(uow, NOW, PARTNER, contoso["id"], user["id"])

    assert accounts.get_account(uow, PARTNER, contoso["id"])["users"] == []
    assert uow.activity()[-1] == ("account_user.removed", "Removed user pat@contoso.test from Contoso")


def test_computers_stay_within_the_seats_and_one_name_per_account(uow):
    account = open_account(uow)
    first = add_computer(uow, account["id"], "Front Desk")

    with pytest.raises(Conflict):
        add_computer(uow, account["id"], "  FRONT   desk ")
    with pytest.raises(NoFreeSeat):
        add_computer(uow, account["id"], "Server", kind="server")  # no server seat
    add_computer(uow, account["id"], "Back Office")
    with pytest.raises(NoFreeSeat) as refused:
        add_computer(uow, account["id"], "Third")
    assert refused.value.details == {"seats": 2, "server_seats": 0, "computers": 2, "servers": 0}
    members.remove_computer(uow, NOW, PARTNER, account["id"], first["id"])
    assert add_computer(uow, account["id"], "front desk")["name"] == "front desk"  # the name is free again
    assert first["agent_key"] and len(first["agent_key"]) >= 32
    assert [item["computers"] for item in listed(uow)] == [2]


def test_a_resellers_account_is_seen_but_not_administered_here(uow):
    account = open_account(uow, administered=False)

    with pytest.raises(NotAdministrator):
        add_user(uow, account["id"], "pat@contoso.test")
    with pytest.raises(NotAdministrator):
        add_computer(uow, account["id"], "PC")
    assert accounts.get_account(uow, PARTNER, account["id"])["role"] == "Reseller"
    assert uow.activity() == [("account.created", "Opened the account Contoso (as its reseller)")]


def test_a_released_account_is_gone_for_the_partner_and_its_data_stays(uow):
    account = open_account(uow)
    add_user(uow, account["id"], "pat@contoso.test")
    add_computer(uow, account["id"], "PC")

    assert accounts.release_account(uow, NOW, PARTNER, account["id"]) == {"id": account["id"], "status": "released"}

    with pytest.raises(NotFound):
        accounts.get_account(uow, PARTNER, account["id"])
    assert listed(uow) == []
    with uow:
        assert len(uow.users.of_account(account["id"])) == len(uow.computers.live_of_account(account["id"])) == 1
    assert [event["id"] for event in uow.events("account_released")] == [account["id"]]
