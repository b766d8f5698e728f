"""The accounts list and the monitoring overview are kept by each gateway for `READ_CACHE_SECONDS`
(`gateway.read_cache`): a partner's own change shows at once at the gateway that carried it, even one
keeping answers for two seconds; any change shows within two seconds at a gateway keeping them for
the default half second; and a client that sends back the ETag it got is answered 304 while nothing
changed."""

import pytest

from tests.e2e.test_billing_helpers import add_computer, eventually, item, open_account, post_order
from tests.faults.answers import report_body
from tests.flows import sign_up
from tests.harness import ApiClient, system_of_its_own

from gateway.read_cache import READ_CACHE_MAX_SECONDS, READ_CACHE_SECONDS

pytestmark = pytest.mark.e2e
EVERY_GATEWAY_SECONDS = 2  # the contract's bound for a change to show everywhere


# The first gateway keeps answers for the longest time allowed, so a partner's own change read back at
# once there proves the forgetting, not a short lifetime; the second keeps them for the default.
FIRST_GATEWAY_KEEPS = READ_CACHE_MAX_SECONDS


@pytest.fixture(scope="module")
def system(request, tmp_path_factory):
    with system_of_its_own(request, tmp_path_factory.mktemp("data"), READ_CACHE_SECONDS=FIRST_GATEWAY_KEEPS) as system:
        yield system


@pytest.fixture(scope="module")
def second_gateway(system):
    with system.another_gateway(READ_CACHE_SECONDS=READ_CACHE_SECONDS) as url:
        yield url


def names(client):
    response = client.get("/v1/accounts", params={"limit": 50})
    assert response.status_code == 200, response.text
    return {account["name"] for account in response.json()["items"]}


def within(seconds, check):
    eventually(check, timeout=seconds, what=f"the change within {seconds} s")


def test_a_partners_own_change_shows_at_once_here_and_within_two_seconds_at_another_gateway(system, second_gateway):
    owner = sign_up(system)
    there = ApiClient(second_gateway, owner.token)
    assert names(owner.client) == names(there) == set()  # both gateways keep the empty list

    open_account(owner, name="Contoso")

    assert names(owner.client) == {"Contoso"}  # the very next read, no waiting
    within(EVERY_GATEWAY_SECONDS, lambda: names(there) == {"Contoso"})


def test_a_change_no_client_made_shows_within_two_seconds(system, second_gateway, clock):
    owner = sign_up(system)
    account = open_account(owner)
    assert post_order(owner, [item("safe", "basic", 1, 1, account["id"])]).status_code == 201
    computer = add_computer(owner, account["id"]).json()
    there = ApiClient(second_gateway, owner.token)

    def overview():
        return there.get("/v1/monitoring/overview").json()

    within(EVERY_GATEWAY_SECONDS * 2, lambda: overview()["computers"] == 1)  # computer_added travels first
    assert overview()["bytes_backed_up"] == 0  # and now kept
    agent = system.client()
    reported = agent.post(
        "/v1/agent/reports",
        json=report_body(clock.now(), backed_up=1234),
        headers={"Authorization": f"Agent {computer['agent_key']}"},
    )
    assert reported.status_code == 202, reported.text

    within(EVERY_GATEWAY_SECONDS, lambda: overview()["bytes_backed_up"] == 1234)


@pytest.mark.parametrize("path", ["/v1/accounts", "/v1/monitoring/overview"])
def test_an_unchanged_answer_is_304_to_a_client_that_sends_its_etag(system, second_gateway, path):
    owner = sign_up(system)
    there = ApiClient(second_gateway, owner.token)
    first = there.get(path)
    assert first.status_code == 200, first.text
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert first.headers["Cache-Control"] == "no-store"  # the client keeps the body, no cache on the way

    again = there.get(path, headers={"If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["ETag"]) == (304, b"", etag)
    assert there.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200

    open_account(owner, name="Changed")  # the overview learns of it by an event: within the bound
    within(EVERY_GATEWAY_SECONDS, lambda: there.get(path, headers={"If-None-Match": etag}).status_code == 200)
    assert there.get(path).headers["ETag"] != etag


def test_kept_answers_are_the_partners_own(system):
    first, second = sign_up(system), sign_up(system)
    open_account(first, name="First's")

    assert names(first.client) == {"First's"}
    assert names(second.client) == set()
    assert first.client.get("/v1/accounts", params={"limit": 1}).json()["items"][0]["name"] == "First's"
    assert first.client.get("/v1/accounts", params={"q": "nothing"}).json()["items"] == []
