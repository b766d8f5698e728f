"""A computer's name is its account's alone among live computers, also for computers that shared a
name before names were unique (accounts' revision 0002 left them without a key)."""

import pytest
from sqlalchemy import text

from portal_common.db import make_engine
from portal_common.errors import Conflict

CALLER = {"partner_id": "p1", "employee_id": "e1", "role": "owner", "session_id": "s1"}
OWNER = {"id": "e1", "name": "Olive", "email": "olive@example.com", "role": "owner"}
SEATS = {"seats": 10, "server_seats": 0}


def add(rpc, account, name):
    return rpc.add_computer(CALLER, account["id"], {"name": name, "kind": "workstation"}, SEATS)


@pytest.fixture
def account(rpc):
    rpc.create_company("p1", "Acme", OWNER)
    return rpc.create_account(CALLER, {"name": "Contoso", "contact_email": "it@contoso.test"})


def test_a_name_that_reads_the_same_is_refused_until_its_computer_is_removed(rpc, account):
    first = add(rpc, account, "Front Desk")
    with pytest.raises(Conflict) as refused:
        add(rpc, account, "  front   DESK ")
    assert refused.value.code == "conflict" and set(refused.value.details) == {"name"}
    other = rpc.create_account(CALLER, {"name": "Fabrikam", "contact_email": "it@fabrikam.test"})
    add(rpc, other, "Front Desk")  # another account's names are its own
    rpc.remove_computer(CALLER, account["id"], first["id"])
    assert add(rpc, account, "front desk")["name"] == "front desk"


def test_a_computer_that_shared_its_name_before_takes_it_over_when_the_other_is_removed(rpc, account, config):
    first, twin = add(rpc, account, "PC"), add(rpc, account, "PC-2")
    engine = make_engine(config["DB_URIS"]["accounts:Base"])
    with engine.begin() as connection:  # as revision 0002 leaves a second live "PC"
        connection.execute(text("UPDATE computers SET name = 'pc', name_key = NULL WHERE id = :id"), {"id": twin["id"]})
    engine.dispose()

    rpc.remove_computer(CALLER, account["id"], first["id"])

    with pytest.raises(Conflict):
        add(rpc, account, "PC")
    rpc.remove_computer(CALLER, account["id"], twin["id"])
    add(rpc, account, "PC")
