"""Customer accounts, their users and computers, and release, over HTTP."""

import base64

import pytest

from tests.flows import assert_error, assert_iso_utc, create_employee, sign_up, walk

ITEM_KEYS = {
    "id",
    "name",
    "contact_email",
    "role",
    "status",
    "product",
    "plan",
    "expires_at",
    "computers",
    "bytes_backed_up",
    "computers_not_backing_up",
}


@pytest.fixture
def owner(system):
    return sign_up(system)


def open_account(actor, name="Contoso", contact_email="it@contoso.test", trial=True, **extra):
    """A new account; an administered one gets a Safe Pro Ultimate trial (15 seats, 1 server) unless
    `trial=False`, so computers fit."""
    response = actor.client.post("/v1/accounts", json={"name": name, "contact_email": contact_email, **extra})
    assert response.status_code == 201, response.text
    account = response.json()
    if trial and account["role"] == "Administrator":
        started = actor.client.post(
            f"/v1/accounts/{account['id']}/trials", json={"product": "safe-pro", "plan": "ultimate"}
        )
        assert started.status_code == 201, started.text
    return account


def test_a_new_account_is_administered_by_default_and_has_no_subscription(owner):
    account = open_account(owner, trial=False)
    assert ITEM_KEYS <= set(account)
    assert account["role"] == "Administrator"
    assert (account["status"], account["product"], account["plan"], account["expires_at"]) == ("none", None, None, None)
    assert (account["computers"], account["bytes_backed_up"], account["computers_not_backing_up"]) == (0, 0, 0)
    reseller = open_account(owner, name="Fabrikam", administered=False)
    assert owner.client.get(f"/v1/accounts/{account['id']}").json()["subscriptions"] == []
    assert reseller["role"] == "Reseller"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"contact_email": "a@b.test"}, "name"),
        ({"name": "X"}, "contact_email"),
        ({"name": "X", "contact_email": "not an email"}, "contact_email"),
        ({"name": "  ", "contact_email": "a@b.test"}, "name"),
        ({"name": "X", "contact_email": "a@b.test", "administered": "yes"}, "administered"),
        ({"name": "X", "contact_email": "a@b.test", "administered": 1}, "administered"),
        ({"name": "X", "contact_email": "a@b.test", "color": "red"}, "color"),
        ({"name": 5, "contact_email": "a@b.test"}, "name"),
    ],
)
def test_bad_accounts_are_400_naming_the_field(owner, body, field):
    error = assert_error(owner.client.post("/v1/accounts", json=body), 400, "validation_error")
    assert field in error["details"]
    assert owner.client.get("/v1/accounts").json()["items"] == []


@pytest.mark.parametrize("role, allowed", [("admin", True), ("support", True), ("sales", False), ("viewer", False)])
def test_who_may_open_accounts(owner, role, allowed):
    employee = create_employee(owner, role)
    response = employee.client.post("/v1/accounts", json={"name": "N", "contact_email": "n@n.test"})
    if allowed:
        assert response.status_code == 201, response.text
    else:
        assert_error(response, 403, "forbidden")
    assert employee.client.get("/v1/accounts").status_code == 200


def test_the_list_searches_name_and_contact_email_and_filters_by_status(owner):
    open_account(owner, name="Contoso Ltd", contact_email="it@contoso.test", trial=False)
    open_account(owner, name="Fabrikam", contact_email="admin@fabrikam.test", trial=False)
    open_account(owner, name="Northwind 100%", contact_email="ops@northwind.test", trial=False)
    names = lambda **params: sorted(i["name"] for i in owner.client.get("/v1/accounts", params=params).json()["items"])
    assert names(q="contoso") == ["Contoso Ltd"]
    assert names(q="FABRIKAM.TEST") == ["Fabrikam"]
    assert names(q="100%") == ["Northwind 100%"]
    assert names(q="%") == ["Northwind 100%"]
    assert names(q="_") == []
    assert names(status="none") == ["Contoso Ltd", "Fabrikam", "Northwind 100%"]
    assert names(status="active") == []
    assert_error(owner.client.get("/v1/accounts", params={"status": "sleeping"}), 400, "validation_error")


def test_the_list_pages_with_a_cursor(owner):
    created = [open_account(owner, name=f"Customer {n}", trial=False)["id"] for n in range(7)]
    items, pages = walk(owner.client, "/v1/accounts", limit=3)
    assert [item["id"] for item in items] == created
    assert pages == 3
    for limit in (0, 201, "many"):
        assert_error(owner.client.get("/v1/accounts", params={"limit": limit}), 400, "validation_error")
    assert_error(owner.client.get("/v1/accounts", params={"cursor": "garbage!"}), 400, "validation_error")


def test_the_detail_has_users_computers_and_subscriptions_but_no_agent_keys(owner):
    account = open_account(owner)
    user = owner.client.post(f"/v1/accounts/{account['id']}/users", json={"email": "u@c.test", "name": "U"}).json()
    computer = owner.client.post(
        f"/v1/accounts/{account['id']}/computers", json={"name": "FRONT-DESK", "kind": "workstation"}
    ).json()
    detail = owner.client.get(f"/v1/accounts/{account['id']}").json()
    assert ITEM_KEYS - {"computers"} <= set(detail)
    assert [u["id"] for u in detail["users"]] == [user["id"]]
    assert detail["computers"] == [
        {"id": computer["id"], "name": "FRONT-DESK", "kind": "workstation", "created_at": computer["created_at"]}
    ]
    assert detail["computer_count"] == 1
    assert [(s["product"], s["plan"], s["status"]) for s in detail["subscriptions"]] == [
        ("safe-pro", "ultimate", "trial")
    ]
    assert computer["agent_key"] not in str(detail)
    listed = owner.client.get("/v1/accounts").json()["items"][0]
    assert listed["computers"] == 1


def test_computers_get_a_strong_key_shown_once(owner):
    account = open_account(owner)
    keys = set()
    for kind in ("workstation", "server"):
        response = owner.client.post(
            f"/v1/accounts/{account['id']}/computers", json={"name": f"PC-{kind}", "kind": kind}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert set(body) >= {"id", "name", "kind", "agent_key"}
        assert_iso_utc(body["created_at"])
        raw = body["agent_key"].split("_", 1)[1]
        assert len(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))) * 8 >= 128
        keys.add(body["agent_key"])
    assert len(keys) == 2


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "PC"}, "kind"),
        ({"name": "PC", "kind": "laptop"}, "kind"),
        ({"kind": "server"}, "name"),
        ({"name": "", "kind": "server"}, "name"),
        ({"name": "PC", "kind": "server", "agent_key": "mine"}, "agent_key"),
    ],
)
def test_bad_computers_are_400(owner, body, field):
    account = open_account(owner)
    error = assert_error(
        owner.client.post(f"/v1/accounts/{account['id']}/computers", json=body), 400, "validation_error"
    )
    assert field in error["details"]


def test_removing_a_computer_takes_it_out_of_the_account(owner):
    account = open_account(owner)
    path = f"/v1/accounts/{account['id']}/computers"
    kept = owner.client.post(path, json={"name": "KEEP", "kind": "workstation"}).json()
    gone = owner.client.post(path, json={"name": "GONE", "kind": "workstation"}).json()
    assert owner.client.delete(f"{path}/{gone['id']}").status_code == 204
    assert_error(owner.client.delete(f"{path}/{gone['id']}"), 404, "not_found")
    detail = owner.client.get(f"/v1/accounts/{account['id']}").json()
    assert [c["id"] for c in detail["computers"]] == [kept["id"]]
    assert owner.client.get("/v1/accounts").json()["items"][0]["computers"] == 1


def test_users_are_unique_by_email_per_account(owner):
    account = open_account(owner)
    path = f"/v1/accounts/{account['id']}/users"
    user = owner.client.post(path, json={"email": "Pat@Contoso.test", "name": "Pat"})
    assert user.status_code == 201, user.text
    assert user.json()["email"] == "Pat@Contoso.test"
    assert_error(owner.client.post(path, json={"email": "pat@contoso.TEST", "name": "Pat again"}), 409, "conflict")
    assert_error(owner.client.post(path, json={"email": "nope", "name": "X"}), 400, "validation_error")
    assert owner.client.delete(f"{path}/{user.json()['id']}").status_code == 204
    assert_error(owner.client.delete(f"{path}/{user.json()['id']}"), 404, "not_found")
    assert owner.client.post(path, json={"email": "pat@contoso.test", "name": "Pat"}).status_code == 201


def test_a_reseller_account_is_not_administered_here(owner):
    account = open_account(owner, administered=False)
    base = f"/v1/accounts/{account['id']}"
    assert_error(owner.client.post(f"{base}/users", json={"email": "u@c.test", "name": "U"}), 403, "not_administrator")
    assert_error(
        owner.client.post(f"{base}/computers", json={"name": "PC", "kind": "workstation"}), 403, "not_administrator"
    )
    assert_error(owner.client.delete(f"{base}/users/whatever"), 403, "not_administrator")
    assert_error(owner.client.delete(f"{base}/computers/whatever"), 403, "not_administrator")
    assert owner.client.get(base).status_code == 200


@pytest.mark.parametrize("role, allowed", [("admin", True), ("support", True), ("sales", False), ("viewer", False)])
def test_who_may_add_and_remove_users_and_computers(owner, role, allowed):
    account = open_account(owner)
    employee = create_employee(owner, role)
    base = f"/v1/accounts/{account['id']}"
    user = employee.client.post(f"{base}/users", json={"email": "u@c.test", "name": "U"})
    computer = employee.client.post(f"{base}/computers", json={"name": "PC", "kind": "workstation"})
    if allowed:
        assert (user.status_code, computer.status_code) == (201, 201)
        assert employee.client.delete(f"{base}/users/{user.json()['id']}").status_code == 204
        assert employee.client.delete(f"{base}/computers/{computer.json()['id']}").status_code == 204
    else:
        assert_error(user, 403, "forbidden")
        assert_error(computer, 403, "forbidden")


@pytest.mark.parametrize("role, allowed", [("admin", True), ("support", False), ("sales", False), ("viewer", False)])
def test_who_may_release(owner, role, allowed):
    account = open_account(owner)
    employee = create_employee(owner, role)
    response = employee.client.post(f"/v1/accounts/{account['id']}/release")
    if allowed:
        assert response.status_code == 200 and response.json() == {"id": account["id"], "status": "released"}
    else:
        assert_error(response, 403, "forbidden")


def test_a_released_account_is_gone_for_the_partner(owner):
    account = open_account(owner)
    kept = open_account(owner, name="Kept")
    base = f"/v1/accounts/{account['id']}"
    owner.client.post(f"{base}/computers", json={"name": "PC", "kind": "workstation"})
    response = owner.client.post(f"{base}/release")
    assert response.status_code == 200
    assert response.json() == {"id": account["id"], "status": "released"}
    assert_error(owner.client.get(base), 404, "not_found")
    assert_error(owner.client.post(f"{base}/release"), 404, "not_found")
    assert_error(owner.client.post(f"{base}/users", json={"email": "u@c.test", "name": "U"}), 404, "not_found")
    assert [item["id"] for item in owner.client.get("/v1/accounts").json()["items"]] == [kept["id"]]


def test_another_partners_accounts_are_not_found(owner, system):
    account = open_account(owner)
    computer = owner.client.post(
        f"/v1/accounts/{account['id']}/computers", json={"name": "PC", "kind": "workstation"}
    ).json()
    user = owner.client.post(f"/v1/accounts/{account['id']}/users", json={"email": "u@c.test", "name": "U"}).json()
    other = sign_up(system)
    base = f"/v1/accounts/{account['id']}"
    assert other.client.get("/v1/accounts").json()["items"] == []
    for response in (
        other.client.get(base),
        other.client.post(f"{base}/users", json={"email": "x@c.test", "name": "X"}),
        other.client.delete(f"{base}/users/{user['id']}"),
        other.client.post(f"{base}/computers", json={"name": "PC", "kind": "workstation"}),
        other.client.delete(f"{base}/computers/{computer['id']}"),
        other.client.post(f"{base}/release"),
    ):
        assert_error(response, 404, "not_found")
    assert owner.client.get(base).json()["computer_count"] == 1


def test_ids_of_one_account_do_not_reach_into_another(owner):
    first, second = open_account(owner, name="First"), open_account(owner, name="Second")
    computer = owner.client.post(
        f"/v1/accounts/{first['id']}/computers", json={"name": "PC", "kind": "workstation"}
    ).json()
    user = owner.client.post(f"/v1/accounts/{first['id']}/users", json={"email": "u@c.test", "name": "U"}).json()
    assert_error(owner.client.delete(f"/v1/accounts/{second['id']}/computers/{computer['id']}"), 404, "not_found")
    assert_error(owner.client.delete(f"/v1/accounts/{second['id']}/users/{user['id']}"), 404, "not_found")


def test_a_released_accounts_subscriptions_can_be_seen_but_no_longer_changed_or_added_to(owner):
    account = open_account(owner, trial=False)
    order = owner.client.post(
        "/v1/orders",
        headers={"Idempotency-Key": "before-release"},
        json={
            "items": [
                {"product": "safe-pro", "plan": "core", "term_years": 1, "quantity": 1, "account_id": account["id"]}
            ]
        },
    )
    subscription_id = order.json()["lines"][0]["subscription_id"]
    assert owner.client.post(f"/v1/accounts/{account['id']}/release").status_code == 200
    assert owner.client.get(f"/v1/subscriptions/{subscription_id}").status_code == 200
    assert_error(owner.client.get(f"/v1/subscriptions/{subscription_id}/upgrade-quote?plan=power"), 409, "conflict")
    assert_error(
        owner.client.post(
            f"/v1/subscriptions/{subscription_id}/addons",
            json={"addon": "extra-computer", "quantity": 1},
            headers={"Idempotency-Key": "after-release-1"},
        ),
        409,
        "conflict",
    )
    assert_error(
        owner.client.post(
            f"/v1/subscriptions/{subscription_id}/upgrade",
            json={"plan": "power"},
            headers={"Idempotency-Key": "after-release-2"},
        ),
        409,
        "conflict",
    )
    refused = assert_error(
        owner.client.patch(f"/v1/subscriptions/{subscription_id}", json={"auto_renew": True}), 409, "conflict"
    )
    assert "released" in refused["message"]  # seen (200 above), so not "not found": no longer to change
    assert [o["id"] for o in owner.client.get("/v1/orders").json()["items"]] == [order.json()["id"]]
