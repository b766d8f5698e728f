"""A computer's removal: its seat free again, its agent key no longer anyone's, monitoring told;
and what monitoring and the agents' gateway ask of a computer (whose it is, whether it is shown)."""

import pytest

from portal_common.errors import NoFreeSeat, NotFound

from accounts.domain import agent_keys
from accounts.usecases import accounts, members
from services.accounts.tests.usecases.partner_calls import (
    NOW,
    OTHER_PARTNER,
    PARTNER,
    add_computer,
    listed,
    open_account,
)

ONE_SERVER_SEAT = {"seats": 2, "server_seats": 1}


def remove(uow, account, computer):
    members.remove_computer(uow, NOW, PARTNER, account["id"], computer["id"])


def test_a_removed_server_frees_its_server_seat_and_is_removed_once(uow):
    account = open_account(uow)
    server = add_computer(uow, account["id"], "Server", kind="server", seats=ONE_SERVER_SEAT)
    with pytest.raises(NoFreeSeat):
        add_computer(uow, account["id"], "Server Two", kind="server", seats=ONE_SERVER_SEAT)

    remove(uow, account, server)

    with pytest.raises(NotFound):
        remove(uow, account, server)
    add_computer(uow, account["id"], "Server Two", kind="server", seats=ONE_SERVER_SEAT)
    [removed] = uow.events("computer_removed")
    assert (removed["id"], removed["version"], removed["removed"], removed["kind"]) == (server["id"], 2, True, "server")
    assert [item["computers"] for item in listed(uow)] == [1]


def test_only_the_accounts_own_computer_is_removed_from_it(uow):
    contoso, fabrikam = open_account(uow), open_account(uow, "Fabrikam")
    computer = add_computer(uow, contoso["id"], "PC")

    with pytest.raises(NotFound):
        remove(uow, fabrikam, computer)
    with pytest.raises(NotFound):
        members.remove_computer(uow, NOW, OTHER_PARTNER, contoso["id"], computer["id"])

    assert {item["name"]: item["computers"] for item in listed(uow)} == {"Contoso": 1, "Fabrikam": 0}


def test_an_agent_key_names_its_computer_until_the_computer_is_removed(uow):
    account = open_account(uow)
    computer = add_computer(uow, account["id"], "PC")
    key_hash = agent_keys.digest(computer["agent_key"])

    assert members.agent_identity(uow, key_hash) == {
        "computer_id": computer["id"],
        "account_id": account["id"],
        "partner_id": PARTNER["partner_id"],
    }
    assert members.agent_identity(uow, agent_keys.digest(agent_keys.new_agent_key())) is None
    remove(uow, account, computer)
    assert members.agent_identity(uow, key_hash) is None


def test_monitoring_shows_a_computer_to_its_partner_while_it_and_its_account_are_live(uow):
    account = open_account(uow)
    kept, removed = add_computer(uow, account["id"], "PC"), add_computer(uow, account["id"], "Laptop")
    remove(uow, account, removed)

    assert members.computer_monitored(uow, PARTNER, kept["id"])
    assert not members.computer_monitored(uow, OTHER_PARTNER, kept["id"])
    assert not members.computer_monitored(uow, PARTNER, removed["id"])
    accounts.release_account(uow, NOW, PARTNER, account["id"])
    assert not members.computer_monitored(uow, PARTNER, kept["id"])
