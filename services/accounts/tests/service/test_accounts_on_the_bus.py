"""Accounts on a real RabbitMQ: the events it publishes (from its outbox) and the ones it takes."""

import hashlib
import json

import pytest
from nameko.rpc import rpc as rpc_entrypoint
from nameko.testing.services import entrypoint_waiter

from portal_common.errors import NoFreeSeat, NotFound
from portal_common.event_handlers import on_event
from portal_common.events import (
    ACCOUNT_BACKUP_CHANGED,
    ACCOUNT_CREATED,
    ACCOUNT_RELEASED,
    COMPUTER_ADDED,
    COMPUTER_REMOVED,
    PARTNER_SIGNED_UP,
    REGISTRY,
    SUBSCRIPTION_CHANGED,
)
from tests.bus import deliver, event

CALLER = {"partner_id": "p1", "employee_id": "e1", "role": "owner", "session_id": "s1"}
OWNER = {"id": "e1", "name": "Olive", "email": "olive@example.com", "role": "owner"}
NO_SEATS = {"seats": 0, "server_seats": 0}
ONE_SERVER = {"seats": 1, "server_seats": 1}


class Listener:
    name = "listener"
    seen = []

    @on_event(ACCOUNT_CREATED)
    def on_account_created(self, payload):
        self.seen.append(("account_created", payload))

    @on_event(ACCOUNT_RELEASED)
    def on_account_released(self, payload):
        self.seen.append(("account_released", payload))

    @on_event(COMPUTER_ADDED)
    def on_computer_added(self, payload):
        self.seen.append(("computer_added", payload))

    @on_event(COMPUTER_REMOVED)
    def on_computer_removed(self, payload):
        self.seen.append(("computer_removed", payload))


class Identity:
    """Identity as far as the company profile asks it: the sign-in policy it keeps."""

    name = "identity"
    required = False

    @rpc_entrypoint
    def two_factor_required(self, caller):
        return Identity.required

    @rpc_entrypoint
    def require_two_factor(self, caller, required, company_name):
        Identity.required = required
        return required


def summary(account_id, version, status="active"):
    return event(
        SUBSCRIPTION_CHANGED,
        account_id,
        version,
        partner_id="p1",
        status=status,
        product="safe-pro",
        plan="ultimate",
        expires_at="2027-11-26T00:00:00Z",
        seats=1,
        server_seats=0,
    )


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
    with entrypoint_waiter(listener, "on_computer_added"):
        computer = rpc.add_computer(CALLER, account["id"], {"name": "PC", "kind": "server"}, ONE_SERVER)
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
    for name, payload in Listener.seen:
        assert REGISTRY[("accounts", name)].problems(payload) == {}
        assert payload["occurred_at"].endswith("Z") and payload["actor"] is None


def test_the_actor_and_request_of_a_call_are_on_the_events_it_causes(accounts, container_factory, config):
    from nameko.standalone.rpc import ServiceRpcProxy

    listener = listen(container_factory, config)
    context = {"actor_id": "e1", "request_id": "req-42"}
    with ServiceRpcProxy("accounts", config, context_data=context) as rpc:
        rpc.create_company("p1", "Acme", OWNER)
        with entrypoint_waiter(listener, "on_account_created"):
            rpc.create_account(CALLER, {"name": "Contoso", "contact_email": "it@contoso.test"})
    ((_, payload),) = Listener.seen
    assert (payload["actor"], payload["request_id"]) == ("e1", "req-42")


def test_the_company_is_made_once_however_often_the_call_and_the_event_arrive(rpc, accounts, config, container_factory):
    container_factory(Identity, config).start()
    signed_up = event(PARTNER_SIGNED_UP, "p1", 1, name="Acme", owner=OWNER)
    deliver(accounts, config, "on_partner_signed_up", PARTNER_SIGNED_UP, signed_up)
    rpc.update_company(CALLER, {"name": "Acme Renamed"})
    rpc.create_company("p1", "Acme", OWNER)
    deliver(accounts, config, "on_partner_signed_up", PARTNER_SIGNED_UP, signed_up)
    company = rpc.get_company(CALLER)
    # The late duplicates did not put the old name back.
    assert company["name"] == "Acme Renamed" and company["primary_contact"]["id"] == "e1"
    assert company["require_two_factor"] is False


def test_seats_are_the_ones_billing_gives_with_the_call(rpc):
    rpc.create_company("p1", "Acme", OWNER)
    account = rpc.create_account(CALLER, {"name": "Contoso", "contact_email": "it@contoso.test"})
    with pytest.raises(NoFreeSeat):
        rpc.add_computer(CALLER, account["id"], {"name": "PC", "kind": "workstation"}, NO_SEATS)
    one_seat = {"seats": 1, "server_seats": 0}
    rpc.add_computer(CALLER, account["id"], {"name": "PC", "kind": "workstation"}, one_seat)
    with pytest.raises(NoFreeSeat) as refused:
        rpc.add_computer(CALLER, account["id"], {"name": "PC2", "kind": "workstation"}, one_seat)
    assert refused.value.details == {"seats": 1, "server_seats": 0, "computers": 1, "servers": 0}
    with pytest.raises(NoFreeSeat):
        rpc.add_computer(CALLER, account["id"], {"name": "SRV", "kind": "server"}, {"seats": 2, "server_seats": 0})


def test_an_older_summary_changes_nothing(rpc, accounts, config):
    rpc.create_company("p1", "Acme", OWNER)
    account = rpc.create_account(CALLER, {"name": "Contoso", "contact_email": "it@contoso.test"})
    deliver(accounts, config, "on_subscription_changed", SUBSCRIPTION_CHANGED, summary(account["id"], 2))
    # The same account's older state arriving late: ignored.
    deliver(
        accounts, config, "on_subscription_changed", SUBSCRIPTION_CHANGED, summary(account["id"], 1, status="expired")
    )
    listed = json.loads(rpc.list_accounts(CALLER, {}))["items"][0]
    assert (listed["status"], listed["expires_at"]) == ("active", "2027-11-26T00:00:00Z")


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
    deliver(accounts, config, "on_subscription_changed", SUBSCRIPTION_CHANGED, summary(account["id"], 1))
    expected = {
        **account,
        "status": "active",
        "product": "safe-pro",
        "plan": "ultimate",
        "expires_at": "2027-11-26T00:00:00Z",
    }
    assert listed() == expected
    deliver(
        accounts,
        config,
        "on_account_backup_changed",
        ACCOUNT_BACKUP_CHANGED,
        event(
            ACCOUNT_BACKUP_CHANGED,
            account["id"],
            1,
            partner_id="p1",
            bytes_backed_up=5_000_000,
            computers_not_backing_up=1,
        ),
    )
    expected.update(bytes_backed_up=5_000_000, computers_not_backing_up=1)
    assert listed() == expected
    computer = rpc.add_computer(CALLER, account["id"], {"name": "PC", "kind": "workstation"}, ONE_SERVER)
    assert listed() == {**expected, "computers": 1}
    rpc.remove_computer(CALLER, account["id"], computer["id"])
    assert listed() == expected
    rpc.release_account(CALLER, account["id"])
    assert [item["id"] for item in json.loads(rpc.list_accounts(CALLER, {}))["items"]] == [other["id"]]


def test_agent_keys_are_answered_by_accounts_which_owns_them(rpc):
    rpc.create_company("p1", "Acme", OWNER)
    account = rpc.create_account(CALLER, {"name": "Contoso", "contact_email": "it@contoso.test"})
    computer = rpc.add_computer(CALLER, account["id"], {"name": "PC", "kind": "workstation"}, ONE_SERVER)
    key_hash = hashlib.sha256(computer["agent_key"].encode()).hexdigest()
    assert rpc.agent_identity(key_hash) == {
        "computer_id": computer["id"],
        "account_id": account["id"],
        "partner_id": "p1",
    }
    assert rpc.agent_identity(hashlib.sha256(b"agk_nobody").hexdigest()) is None
    rpc.remove_computer(CALLER, account["id"], computer["id"])
    assert rpc.agent_identity(key_hash) is None


def test_briefs_are_of_the_callers_live_accounts_only(rpc):
    rpc.create_company("p1", "Acme", OWNER)
    first = rpc.create_account(CALLER, {"name": "Contoso", "contact_email": "it@contoso.test"})
    second = rpc.create_account(CALLER, {"name": "Fabrikam", "contact_email": "it@f.test", "administered": False})
    assert rpc.account_briefs(CALLER, [first["id"], second["id"]]) == [
        {"id": first["id"], "administered": True},
        {"id": second["id"], "administered": False},
    ]
    with pytest.raises(NotFound):
        rpc.account_briefs({**CALLER, "partner_id": "p2"}, [first["id"]])
    rpc.release_account(CALLER, second["id"])
    with pytest.raises(NotFound):
        rpc.account_briefs(CALLER, [first["id"], second["id"]])
