"""Accounts on a real RabbitMQ: the events it publishes and the ones it takes."""
import hashlib
import json

import pytest
from nameko.events import event_handler
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_waiter

from portal_common.errors import NoFreeSeat
from portal_common.packed_text import unpack

CALLER = {"partner_id": "p1", "employee_id": "e1", "role": "owner", "session_id": "s1"}
OWNER = {"id": "e1", "name": "Olive", "email": "olive@example.com", "role": "owner"}


class Listener:
    name = "listener"
    seen = []

    @event_handler("accounts", "account_created")
    def on_account_created(self, payload):
        self.seen.append(("account_created", payload))

    @event_handler("accounts", "account_released")
    def on_account_released(self, payload):
        self.seen.append(("account_released", payload))

    @event_handler("accounts", "computer_added")
    def on_computer_added(self, payload):
        self.seen.append(("computer_added", payload))

    @event_handler("accounts", "computer_removed")
    def on_computer_removed(self, payload):
        self.seen.append(("computer_removed", payload))


def summary(account_id, version, seats, server_seats, status="active"):
    return {"event_id": f"ev{version}", "occurred_at": "2026-11-26T00:00:00Z", "id": account_id,
            "version": version, "partner_id": "p1", "status": status, "product": "safe-pro", "plan": "ultimate",
            "expires_at": "2027-11-26T00:00:00Z", "seats": seats, "server_seats": server_seats}


def listen(container_factory, config):
    Listener.seen = []
    listener = container_factory(Listener, config)
    listener.start()
    return listener


def test_account_and_computer_events_carry_what_consumers_need(rpc, container_factory, config):
    listener = listen(container_factory, config)
    rpc.create_company("p1", "Acme", OWNER)
    with entrypoint_waiter(listener, "on_account_created"):
        account = rpc.create_account(CALLER, {"name": "Contoso", "contact_email": "it@contoso.test"})
    rpc.apply_billing_summary(summary(account["id"], version=1, seats=1, server_seats=1))
    with entrypoint_waiter(listener, "on_computer_added"):
        computer = rpc.add_computer(CALLER, account["id"], {"name": "PC", "kind": "server"})
    with entrypoint_waiter(listener, "on_computer_removed"):
        rpc.remove_computer(CALLER, account["id"], computer["id"])
    with entrypoint_waiter(listener, "on_account_released"):
        rpc.release_account(CALLER, account["id"])

    events = dict(Listener.seen)
    assert events["account_created"]["id"] == account["id"]
    assert events["account_created"]["partner_id"] == "p1" and events["account_created"]["administered"] is True
    added = events["computer_added"]
    assert added["id"] == computer["id"] and added["account_id"] == account["id"] and added["partner_id"] == "p1"
    assert added["kind"] == "server" and added["version"] == 1
    assert added["agent_key_hash"] == hashlib.sha256(computer["agent_key"].encode()).hexdigest()
    assert computer["agent_key"] not in str(Listener.seen)
    removed = events["computer_removed"]
    assert removed["id"] == computer["id"] and removed["version"] == 2 and removed["removed"] is True
    released = events["account_released"]
    assert released["id"] == account["id"] and released["version"] == 2 and released["released"] is True
    for _, payload in Listener.seen:
        assert payload["event_id"] and payload["occurred_at"].endswith("Z")


def test_the_company_is_made_once_however_often_the_call_and_the_event_arrive(rpc, accounts, config):
    dispatch = event_dispatcher(config)
    event = {"event_id": "ev1", "occurred_at": "2026-11-26T00:00:00Z", "id": "p1", "version": 1,
             "name": "Acme", "owner": OWNER}
    with entrypoint_waiter(accounts, "on_partner_signed_up"):
        dispatch("identity", "partner_signed_up", event)
    rpc.update_company(CALLER, {"name": "Acme Renamed"})
    rpc.create_company("p1", "Acme", OWNER)
    with entrypoint_waiter(accounts, "on_partner_signed_up"):
        dispatch("identity", "partner_signed_up", event)
    company = rpc.get_company(CALLER)
    # The late duplicates did not put the old name back.
    assert company["name"] == "Acme Renamed" and company["primary_contact"]["id"] == "e1"


def test_seats_come_from_billing_and_an_older_summary_changes_nothing(rpc, accounts, config):
    rpc.create_company("p1", "Acme", OWNER)
    account = rpc.create_account(CALLER, {"name": "Contoso", "contact_email": "it@contoso.test"})
    with pytest.raises(NoFreeSeat):
        rpc.add_computer(CALLER, account["id"], {"name": "PC", "kind": "workstation"})
    rpc.apply_billing_summary(summary(account["id"], version=2, seats=1, server_seats=0))
    dispatch = event_dispatcher(config)
    with entrypoint_waiter(accounts, "on_subscription_changed"):
        # The same change arriving late by event, with an older version: ignored.
        dispatch("billing", "subscription_changed", summary(account["id"], version=1, seats=0, server_seats=0,
                                                            status="expired"))
    listed = json.loads(rpc.list_accounts(CALLER, {}))["items"][0]
    assert (listed["status"], listed["expires_at"]) == ("active", "2027-11-26T00:00:00Z")
    rpc.add_computer(CALLER, account["id"], {"name": "PC", "kind": "workstation"})
    with pytest.raises(NoFreeSeat) as refused:
        rpc.add_computer(CALLER, account["id"], {"name": "PC2", "kind": "workstation"})
    assert refused.value.details["seats"] == 1
    with pytest.raises(NoFreeSeat):
        rpc.add_computer(CALLER, account["id"], {"name": "SRV", "kind": "server"})


def test_every_change_of_an_account_reaches_its_ready_item_of_the_list(rpc, accounts, config):
    """The list is served from JSON kept ready per row: after each kind of change, the item says it."""
    rpc.create_company("p1", "Acme", OWNER)
    account = rpc.create_account(CALLER, {"name": "Contoso", "contact_email": "it@contoso.test"})
    other = rpc.create_account(CALLER, {"name": "Fabrikam", "contact_email": "it@fabrikam.test"})

    def listed():
        page = json.loads(rpc.list_accounts(CALLER, {"limit": "1"}))
        assert page["next_cursor"] is not None
        return page["items"][0]

    assert listed() == account
    rpc.apply_billing_summary(summary(account["id"], version=1, seats=1, server_seats=0))
    expected = {**account, "status": "active", "product": "safe-pro", "plan": "ultimate",
                "expires_at": "2027-11-26T00:00:00Z"}
    assert listed() == expected
    with entrypoint_waiter(accounts, "on_account_backup_changed"):
        event_dispatcher(config)("monitoring", "account_backup_changed", {
            "event_id": "b1", "occurred_at": "2026-11-26T00:00:00Z", "id": account["id"], "version": 1,
            "bytes_backed_up": 5_000_000, "computers_not_backing_up": 1})
    expected.update(bytes_backed_up=5_000_000, computers_not_backing_up=1)
    assert listed() == expected
    computer = rpc.add_computer(CALLER, account["id"], {"name": "PC", "kind": "workstation"})
    assert listed() == {**expected, "computers": 1}
    rpc.remove_computer(CALLER, account["id"], computer["id"])
    assert listed() == expected
    rpc.release_account(CALLER, account["id"])
    assert [item["id"] for item in json.loads(rpc.list_accounts(CALLER, {}))["items"]] == [other["id"]]


def test_the_packed_page_is_the_page(rpc):
    """What the gateway asks for (`list_accounts_packed`) is the page gateways of before get plain."""
    rpc.create_company("p1", "Acme", OWNER)
    for number in range(3):
        rpc.create_account(CALLER, {"name": f"Zürich Customer {number}", "contact_email": f"it{number}@c.test"})
    for query in ({}, {"limit": "2"}, {"q": "customer 1"}):
        assert unpack(rpc.list_accounts_packed(CALLER, query)) == rpc.list_accounts(CALLER, query)
