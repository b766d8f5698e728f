"""The role table of API.md, route by route, for all five roles, on the partner's own ids and on
another partner's: generated from one table, not written out route by route.

- a role without the permission gets 403, whoever's id it names (the answer says nothing of
  whether the id exists);
- a role with it, naming another partner's resource, gets 404 (never 403, never a change);
- every route that needs a session is in the table, so a new route cannot skip this check.
"""

import pytest

from tests.flows import create_employee, sign_up

from gateway.openapi import routes
from gateway.service import GatewayService

ALL = {"owner", "admin", "sales", "support", "viewer"}
VIEW = ALL
EDIT_COMPANY = MANAGE_EMPLOYEES = RELEASE = AUDIT = {"owner", "admin"}
MANAGE_ACCOUNTS = {"owner", "admin", "support"}
PURCHASE = {"owner", "admin", "sales"}

# (method, path) -> who may, and a body (for a GET: the query) that is valid but for the ids it names,
# so that a role with the permission gets past validation to the lookup. API.md's role table.
TABLE = {
    ("GET", "/v1/employees"): (VIEW, None),
    ("GET", "/v1/employees/<employee_id>"): (VIEW, None),
    ("POST", "/v1/employees"): (MANAGE_EMPLOYEES, None),
    ("PATCH", "/v1/employees/<employee_id>"): (MANAGE_EMPLOYEES, {"role": "viewer"}),
    ("DELETE", "/v1/employees/<employee_id>"): (MANAGE_EMPLOYEES, None),
    ("POST", "/v1/employees/<employee_id>/invitation"): (MANAGE_EMPLOYEES, None),
    ("GET", "/v1/company"): (VIEW, None),
    ("PATCH", "/v1/company"): (EDIT_COMPANY, None),
    ("GET", "/v1/company/logo"): (VIEW, None),
    ("PUT", "/v1/company/logo"): (EDIT_COMPANY, None),
    ("DELETE", "/v1/company/logo"): (EDIT_COMPANY, None),
    ("POST", "/v1/accounts"): (MANAGE_ACCOUNTS, None),
    ("GET", "/v1/accounts"): (VIEW, None),
    ("GET", "/v1/accounts/<account_id>"): (VIEW, None),
    ("POST", "/v1/accounts/<account_id>/release"): (RELEASE, None),
    ("POST", "/v1/accounts/<account_id>/users"): (MANAGE_ACCOUNTS, {"email": "u@c.test", "name": "U"}),
    ("DELETE", "/v1/accounts/<account_id>/users/<user_id>"): (MANAGE_ACCOUNTS, None),
    ("POST", "/v1/accounts/<account_id>/computers"): (MANAGE_ACCOUNTS, {"name": "PC", "kind": "workstation"}),
    ("DELETE", "/v1/accounts/<account_id>/computers/<computer_id>"): (MANAGE_ACCOUNTS, None),
    ("GET", "/v1/accounts/<account_id>/backup-status"): (VIEW, None),
    ("GET", "/v1/catalog"): (VIEW, None),
    ("POST", "/v1/orders"): (PURCHASE, "order"),
    ("GET", "/v1/orders"): (VIEW, None),
    ("GET", "/v1/orders/<order_id>"): (VIEW, None),
    ("GET", "/v1/subscriptions"): (VIEW, None),
    ("GET", "/v1/subscriptions/<subscription_id>"): (VIEW, None),
    ("PATCH", "/v1/subscriptions/<subscription_id>"): (PURCHASE, {"auto_renew": False}),
    ("POST", "/v1/accounts/<account_id>/trials"): (PURCHASE, {"product": "safe", "plan": "basic"}),
    ("POST", "/v1/accounts/<account_id>/trial-upgrade"): (PURCHASE, {"term_years": 1}),
    ("GET", "/v1/subscriptions/<subscription_id>/upgrade-quote"): (VIEW, {"plan": "ultimate"}),
    ("POST", "/v1/subscriptions/<subscription_id>/upgrade"): (PURCHASE, {"plan": "ultimate"}),
    ("POST", "/v1/subscriptions/<subscription_id>/addons"): (PURCHASE, {"addon": "extra-computer", "quantity": 1}),
    ("GET", "/v1/monitoring/settings"): (VIEW, None),
    ("PATCH", "/v1/monitoring/settings"): (EDIT_COMPANY, {"not_backing_up_after_hours": 72}),
    ("GET", "/v1/notifications/settings"): (VIEW, None),
    ("PUT", "/v1/notifications/settings"): (
        EDIT_COMPANY,
        {"email": {"enabled": False, "recipients": []}, "events": []},
    ),
    ("POST", "/v1/webhooks"): (EDIT_COMPANY, {"url": "https://8.8.8.8/hook", "events": ["webhook.test"]}),
    ("GET", "/v1/webhooks"): (EDIT_COMPANY, None),
    ("GET", "/v1/webhooks/<webhook_id>"): (EDIT_COMPANY, None),
    ("PATCH", "/v1/webhooks/<webhook_id>"): (EDIT_COMPANY, {"active": False}),
    ("DELETE", "/v1/webhooks/<webhook_id>"): (EDIT_COMPANY, None),
    ("POST", "/v1/webhooks/<webhook_id>/test"): (EDIT_COMPANY, None),
    ("GET", "/v1/webhooks/<webhook_id>/deliveries"): (EDIT_COMPANY, None),
    ("GET", "/v1/monitoring/overview"): (VIEW, None),
    ("GET", "/v1/monitoring/computers"): (VIEW, None),
    ("GET", "/v1/monitoring/computers/<computer_id>/reports"): (VIEW, None),
    ("GET", "/v1/audit-events"): (AUDIT, None),
}
# Every employee manages their own password, second factor and devices: not in the role table.
OWN = {"self"}


def session_routes():
    return sorted(
        (e.method, e.url) for _, e in routes(GatewayService) if e.permission is not None and e.permission not in OWN
    )


def test_every_route_that_needs_a_session_is_in_the_table():
    assert set(session_routes()) == set(TABLE)


class Partner:
    """A partner with one of everything the routes name, and an employee of every role."""

    def __init__(self, system):
        self.owner = sign_up(system)
        client = self.owner.client
        account = client.post("/v1/accounts", json={"name": "Contoso", "contact_email": "it@c.test"}).json()
        client.post(f"/v1/accounts/{account['id']}/trials", json={"product": "safe-pro", "plan": "ultimate"})
        order = client.post(
            "/v1/orders",
            headers={"Idempotency-Key": "matrix"},
            json={
                "items": [
                    {"product": "safe-pro", "plan": "core", "term_years": 1, "quantity": 1, "account_id": account["id"]}
                ]
            },
        ).json()
        computer = client.post(
            f"/v1/accounts/{account['id']}/computers", json={"name": "PC", "kind": "workstation"}
        ).json()
        user = client.post(f"/v1/accounts/{account['id']}/users", json={"email": "u@c.test", "name": "U"}).json()
        webhook = client.post("/v1/webhooks", json={"url": "https://8.8.8.8/hook", "events": ["webhook.test"]}).json()
        self.employees = {role: create_employee(self.owner, role) for role in ALL - {"owner"}}
        self.employees["owner"] = self.owner
        self.ids = {
            "account_id": account["id"],
            "computer_id": computer["id"],
            "user_id": user["id"],
            "order_id": order["id"],
            "subscription_id": order["lines"][0]["subscription_id"],
            "employee_id": self.employees["viewer"].id,
            "webhook_id": webhook["id"],
        }


@pytest.fixture(scope="module")
def partners(system):
    return Partner(system), Partner(system)


def call(actor, method, url, ids, body):
    path = url
    for name, value in ids.items():
        path = path.replace(f"<{name}>", value)
    if body == "order":
        body = {
            "items": [
                {"product": "safe", "plan": "basic", "term_years": 1, "quantity": 1, "account_id": ids["account_id"]}
            ]
        }
    if method == "GET":
        return actor.client.get(path, params=body)
    headers = {"Idempotency-Key": f"matrix-{actor.role}-{method}-{url}"}
    return actor.client.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize("method, url", session_routes())
def test_the_role_table(partners, method, url):
    mine, theirs = partners
    allowed, body = TABLE[(method, url)]
    names_ids = "<" in url
    for role, actor in sorted(mine.employees.items()):
        if role not in allowed:
            for ids in (mine.ids, theirs.ids):
                response = call(actor, method, url, ids, body)
                assert response.status_code == 403, (role, method, url, response.text)
                assert response.json()["error"]["code"] == "forbidden"
        elif names_ids or body == "order":
            response = call(actor, method, url, theirs.ids, body)
            assert response.status_code == 404, (role, method, url, response.text)
            assert response.json()["error"]["code"] == "not_found"
        elif method == "GET":
            response = call(actor, method, url, mine.ids, body)
            assert response.status_code in (200, 404), (role, method, url, response.text)  # 404: no logo yet


def test_nothing_of_the_other_partner_changed(partners):
    _, theirs = partners
    client = theirs.owner.client
    account = client.get(f"/v1/accounts/{theirs.ids['account_id']}")
    assert account.status_code == 200
    assert [c["id"] for c in account.json()["computers"]] == [theirs.ids["computer_id"]]
    assert [u["id"] for u in account.json()["users"]] == [theirs.ids["user_id"]]
    assert len(client.get("/v1/orders").json()["items"]) == 1
    subscription = client.get(f"/v1/subscriptions/{theirs.ids['subscription_id']}").json()
    assert subscription["plan"] == "core" and subscription["auto_renew"] is True and subscription["addons"] == []
    viewer = client.get(f"/v1/employees/{theirs.ids['employee_id']}").json()
    assert viewer["role"] == "viewer" and viewer["active"] is True
