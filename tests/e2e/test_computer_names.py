"""One name, one computer in an account (issue 17): a name the account's live computers already have,
read as a person reads it (case, and spaces around or doubled, do not count), is 409 `conflict` with
`details.name`; a removed computer's name is free again; of two requests at once, one wins."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.test_billing_helpers import open_account
from tests.flows import assert_error, sign_up

pytestmark = pytest.mark.e2e
AT_ONCE = 8


@pytest.fixture
def owner(system):
    return sign_up(system)


@pytest.fixture
def account(owner):
    return open_account(owner, trial=("safe-pro", "ultimate"))


def add(owner, account, name, kind="workstation"):
    return owner.client.post(f"/v1/accounts/{account['id']}/computers", json={"name": name, "kind": kind})


def computer_names(owner, account):
    detail = owner.client.get(f"/v1/accounts/{account['id']}").json()
    return sorted(computer["name"] for computer in detail["computers"])


@pytest.mark.parametrize("again", ["Front Desk", "front desk", "FRONT DESK", "  Front Desk  ", "Front   Desk"])
def test_a_name_the_account_has_is_refused(owner, account, again):
    assert add(owner, account, "Front Desk").status_code == 201
    error = assert_error(add(owner, account, again, kind="server"), 409, "conflict")
    assert list(error["details"]) == ["name"] and error["details"]["name"]
    assert f'"{again.strip()}"' in error["message"]
    assert computer_names(owner, account) == ["Front Desk"]


def test_names_that_only_look_alike_are_different_names(owner, account):
    for name in ("Front Desk", "Front Desk 2", "FrontDesk", "Front-Desk"):
        assert add(owner, account, name).status_code == 201, name


def test_another_account_may_use_the_name(owner, account):
    assert add(owner, account, "Server").status_code == 201
    other = open_account(owner, trial=("safe-pro", "ultimate"))
    assert add(owner, other, "server").status_code == 201


def test_a_removed_computers_name_is_free_again(owner, account):
    first = add(owner, account, "Laptop").json()
    assert owner.client.delete(f"/v1/accounts/{account['id']}/computers/{first['id']}").status_code == 204
    again = add(owner, account, "laptop")
    assert again.status_code == 201, again.text
    assert_error(add(owner, account, "LAPTOP"), 409, "conflict")


def test_the_name_is_checked_before_the_seats(owner):
    account = open_account(owner, trial=("safe", "basic"))  # one seat
    assert add(owner, account, "Only").status_code == 201
    assert_error(add(owner, account, "only"), 409, "conflict")
    assert_error(add(owner, account, "Another"), 409, "no_free_seat")


def test_of_requests_at_once_for_one_name_exactly_one_wins(owner, account):
    with ThreadPoolExecutor(AT_ONCE) as pool:
        answers = list(pool.map(lambda n: add(owner, account, "Reception" if n % 2 else "reception "), range(AT_ONCE)))
    assert sorted(answer.status_code for answer in answers) == [201] + [409] * (AT_ONCE - 1)
    for answer in answers:
        if answer.status_code == 409:
            assert_error(answer, 409, "conflict")
    assert len(computer_names(owner, account)) == 1
    assert owner.client.get("/v1/accounts", params={"q": account["name"]}).json()["items"][0]["computers"] == 1
