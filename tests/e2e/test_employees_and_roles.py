"""A partner's employees over HTTP: the five roles, who may manage whom, deactivation, removal, the
owner's protection, and another partner's employees being 404."""

import types

import pytest

from tests.flows import (
    PASSWORD,
    assert_error,
    challenge_for,
    create_employee,
    enable_two_factor,
    next_code,
    sign_in,
    sign_in_token,
    sign_in_with_code,
    sign_up,
    unique_email,
    verify,
)

pytestmark = pytest.mark.e2e

EMPLOYEE_KEYS = {"id", "email", "name", "role", "active", "status", "two_factor_enabled"}
NOT_MANAGERS = ("sales", "support", "viewer")
ALL_ROLES = ("owner", "admin", "sales", "support", "viewer")


@pytest.fixture(scope="module")
def team(system):
    """One partner with an employee of every role, all signed in. Tests that use it change nothing
    of these five (they add people of their own when they need to change someone)."""
    from portal_common.clock import utc_now

    system.clock.set(utc_now())
    owner = sign_up(system)
    members = {"owner": owner}
    for role in ("admin", "sales", "support", "viewer"):
        members[role] = create_employee(owner, role)
    return types.SimpleNamespace(**members, members=members)


@pytest.fixture(scope="module")
def stranger(system):
    """The owner of another partner."""
    return sign_up(system)


def employee_body(role="viewer", **overrides):
    """A valid body for `POST /v1/employees`; an override of None leaves that field out."""
    body = {"email": unique_email(role), "name": f"New {role}", "role": role, "password": PASSWORD}
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def get_employee(client, employee_id):
    response = client.get(f"/v1/employees/{employee_id}")
    assert response.status_code == 200, response.text
    return response.json()


def listed_ids(client):
    response = client.get("/v1/employees", params={"limit": 200})
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


# --- creating and reading -----------------------------------------------------------------------------------


def test_the_owner_creates_an_employee(team, clock):
    email = unique_email("Support.Person")

    response = team.owner.client.post("/v1/employees", json=employee_body("support", email=email, name="Sam Support"))

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == EMPLOYEE_KEYS
    assert body["email"] == email and body["name"] == "Sam Support" and body["role"] == "support"
    assert body["active"] is True and body["two_factor_enabled"] is False
    assert "password" not in response.text
    assert get_employee(team.owner.client, body["id"]) == body
    # They can sign in with the password they were given.
    token = sign_in_token(team.owner.system, email, PASSWORD)
    me = team.owner.system.client(token).get("/v1/me").json()
    assert me == {
        "id": body["id"],
        "email": email,
        "name": "Sam Support",
        "role": "support",
        "partner_id": team.owner.partner_id,
        "two_factor_enabled": False,
        "two_factor_setup_required": False,
    }


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_reads_itself_and_the_employee_list(team, clock, role):
    actor = team.members[role]

    me = actor.client.get("/v1/me")
    assert me.status_code == 200, me.text
    assert me.json()["role"] == role
    assert me.json()["id"] == actor.id and me.json()["partner_id"] == team.owner.partner_id

    response = actor.client.get("/v1/employees")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "next_cursor"}
    by_id = {item["id"]: item for item in body["items"]}
    assert {member.id for member in team.members.values()} <= set(by_id)
    for member in team.members.values():
        item = by_id[member.id]
        assert set(item) == EMPLOYEE_KEYS
        assert (item["email"], item["role"], item["active"]) == (member.email, member.role, True)

    assert get_employee(actor.client, team.owner.id)["role"] == "owner"


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_sales_support_and_viewer_cannot_manage_employees(team, clock, role):
    actor = team.members[role]
    target = team.viewer if role != "viewer" else team.support
    email = unique_email("refused")

    assert_error(actor.client.post("/v1/employees", json=employee_body("viewer", email=email)), 403, "forbidden")
    assert_error(actor.client.patch(f"/v1/employees/{target.id}", json={"role": "admin"}), 403, "forbidden")
    assert_error(actor.client.patch(f"/v1/employees/{target.id}", json={"active": False}), 403, "forbidden")
    assert_error(actor.client.delete(f"/v1/employees/{target.id}"), 403, "forbidden")
    # Not on themselves either.
    assert_error(actor.client.patch(f"/v1/employees/{actor.id}", json={"role": "admin"}), 403, "forbidden")

    # Nothing happened.
    assert get_employee(team.owner.client, target.id)["role"] == target.role
    assert get_employee(team.owner.client, actor.id)["role"] == role
    assert target.client.get("/v1/me").status_code == 200
    assert_error(sign_in(team.owner.system, email, PASSWORD), 401, "invalid_credentials")


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_manages_its_own_second_factor_and_devices(team, clock, role):
    actor = team.members[role]

    assert actor.client.get("/v1/me/devices").status_code == 200
    # A set-up left pending changes nothing for the others' tests.
    response = actor.client.post("/v1/me/2fa/setup")
    assert response.status_code == 200, response.text
    assert "secret" in response.json()


def test_an_admin_manages_employees(team, system, clock):
    admin = team.admin
    response = admin.client.post("/v1/employees", json=employee_body("viewer"))
    assert response.status_code == 201, response.text
    hired = response.json()

    response = admin.client.patch(f"/v1/employees/{hired['id']}", json={"role": "support"})
    assert response.status_code == 200, response.text
    assert response.json() == {**hired, "role": "support"}

    response = admin.client.patch(f"/v1/employees/{hired['id']}", json={"active": False})
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False
    response = admin.client.patch(f"/v1/employees/{hired['id']}", json={"active": True, "role": "sales"})
    assert response.status_code == 200, response.text
    assert (response.json()["active"], response.json()["role"]) == (True, "sales")

    response = admin.client.delete(f"/v1/employees/{hired['id']}")
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert_error(admin.client.get(f"/v1/employees/{hired['id']}"), 404, "not_found")
    assert hired["id"] not in listed_ids(admin.client)


def test_a_new_role_applies_to_sessions_already_open(team, clock):
    promoted = create_employee(team.owner, "admin")
    assert promoted.client.post("/v1/employees", json={}).status_code == 400  # allowed, just a bad body

    response = team.owner.client.patch(f"/v1/employees/{promoted.id}", json={"role": "viewer"})
    assert response.status_code == 200, response.text

    assert promoted.client.get("/v1/me").json()["role"] == "viewer"
    assert_error(promoted.client.post("/v1/employees", json=employee_body()), 403, "forbidden")
    assert promoted.client.get("/v1/employees").status_code == 200


# --- refusing bad employees --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"role": "owner"}, "role"),
        ({"role": "boss"}, "role"),
        ({"role": "Admin"}, "role"),
        ({"role": None}, "role"),
        ({"password": "p" * 9}, "password"),
        ({"password": "p" * 129}, "password"),
        ({"email": "nobody-at-example.com"}, "email"),
        ({"email": None}, "email"),
        ({"name": " "}, "name"),
        ({"name": None}, "name"),
        ({"active": True}, "active"),
        ({"partner_id": "someone-else"}, "partner_id"),
    ],
)
def test_create_employee_refuses_bad_fields(team, clock, overrides, field):
    body = employee_body(**{"role": "viewer", **overrides})

    error = assert_error(team.owner.client.post("/v1/employees", json=body), 400, "validation_error")

    assert field in error["details"], error
    if "email" in body:
        assert_error(sign_in(team.owner.system, body["email"], PASSWORD), 401, "invalid_credentials")


def test_create_employee_refuses_a_taken_email_whatever_its_case(team, stranger, clock):
    client = team.owner.client

    for email in (team.sales.email, team.sales.email.upper(), stranger.email.upper()):
        assert_error(client.post("/v1/employees", json=employee_body("viewer", email=email)), 409, "email_taken")

    # Sign-up meets the employees' emails too.
    response = team.owner.system.client().post(
        "/v1/signup",
        json={
            "company_name": "Other Co",
            "name": "Someone",
            "email": team.viewer.email.upper(),
            "password": PASSWORD,
        },
    )
    assert_error(response, 409, "email_taken")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"role": "boss"}, "role"),
        ({"role": 3}, "role"),
        ({"active": "false"}, "active"),
        ({"active": 0}, "active"),
        ({"email": "new@example.com"}, "email"),
        ({"name": "Renamed"}, "name"),
    ],
)
def test_update_employee_refuses_bad_fields(team, clock, body, field):
    error = assert_error(team.owner.client.patch(f"/v1/employees/{team.viewer.id}", json=body), 400, "validation_error")

    assert field in error["details"], error
    assert get_employee(team.owner.client, team.viewer.id)["role"] == "viewer"


def test_no_one_is_made_owner(team, clock):
    hired = create_employee(team.owner, "admin", sign_in_now=False)

    response = team.owner.client.patch(f"/v1/employees/{hired.id}", json={"role": "owner"})

    assert response.status_code in (400, 409), response.text
    assert_error(response, response.status_code, "validation_error" if response.status_code == 400 else "conflict")
    assert get_employee(team.owner.client, hired.id)["role"] == "admin"


# --- deactivation and removal --------------------------------------------------------------------------------


def test_deactivation_cuts_sessions_at_once_and_blocks_sign_in(team, system, clock):
    worker = create_employee(team.owner, "support")
    second_session = system.client(sign_in_token(system, worker.email, worker.password))
    assert worker.client.get("/v1/me").status_code == 200

    response = team.owner.client.patch(f"/v1/employees/{worker.id}", json={"active": False})
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False

    assert_error(worker.client.get("/v1/me"), 401, "unauthenticated")
    assert_error(second_session.get("/v1/employees"), 401, "unauthenticated")
    assert_error(sign_in(system, worker.email, worker.password), 401, "invalid_credentials")
    listed = {
        item["id"]: item for item in team.owner.client.get("/v1/employees", params={"limit": 200}).json()["items"]
    }
    assert listed[worker.id]["active"] is False

    # Back on: they may sign in again, but the sessions cut stay cut.
    response = team.owner.client.patch(f"/v1/employees/{worker.id}", json={"active": True})
    assert response.status_code == 200, response.text
    assert_error(worker.client.get("/v1/me"), 401, "unauthenticated")
    assert sign_in(system, worker.email, worker.password).status_code == 201


def test_deactivation_stops_a_sign_in_halfway_and_a_trusted_device(team, system, clock):
    worker = create_employee(team.owner, "sales")
    enable_two_factor(worker, clock)
    device_token = sign_in_with_code(worker, clock, remember_device=True)["device_token"]
    challenge = challenge_for(worker)

    assert team.owner.client.patch(f"/v1/employees/{worker.id}", json={"active": False}).status_code == 200

    response = verify(system, challenge, next_code(clock, worker.secret))
    assert response.status_code == 401, response.text
    assert_error(response, 401, response.json()["error"]["code"])
    assert response.json()["error"]["code"] in ("invalid_code", "invalid_credentials", "unauthenticated")
    assert_error(sign_in(system, worker.email, worker.password, device_token=device_token), 401, "invalid_credentials")


def test_removing_an_employee(team, system, clock):
    leaver = create_employee(team.owner, "viewer")

    response = team.owner.client.delete(f"/v1/employees/{leaver.id}")

    assert response.status_code == 204, response.text
    assert_error(leaver.client.get("/v1/me"), 401, "unauthenticated")
    assert_error(sign_in(system, leaver.email, leaver.password), 401, "invalid_credentials")
    assert_error(team.owner.client.get(f"/v1/employees/{leaver.id}"), 404, "not_found")
    assert_error(team.owner.client.patch(f"/v1/employees/{leaver.id}", json={"role": "sales"}), 404, "not_found")
    assert_error(team.owner.client.delete(f"/v1/employees/{leaver.id}"), 404, "not_found")
    assert leaver.id not in listed_ids(team.owner.client)


def test_the_owner_cannot_be_demoted_deactivated_or_removed(team, system, clock):
    owner = team.owner
    for actor in (owner, team.admin):
        for role in ("admin", "viewer"):
            assert_error(actor.client.patch(f"/v1/employees/{owner.id}", json={"role": role}), 409, "conflict")
        assert_error(actor.client.patch(f"/v1/employees/{owner.id}", json={"active": False}), 409, "conflict")
        assert_error(actor.client.delete(f"/v1/employees/{owner.id}"), 409, "conflict")

    assert get_employee(owner.client, owner.id) == {
        "id": owner.id,
        "email": owner.email,
        "name": owner.name,
        "role": "owner",
        "active": True,
        "status": "active",
        "two_factor_enabled": get_employee(owner.client, owner.id)["two_factor_enabled"],
    }
    assert owner.client.get("/v1/me").status_code == 200
    # Harmless changes to the owner are fine.
    response = owner.client.patch(f"/v1/employees/{owner.id}", json={"active": True})
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "owner"


def test_the_primary_contact_cannot_be_removed(team, clock):
    contact = create_employee(team.owner, "sales", sign_in_now=False)
    client = team.owner.client
    response = client.patch("/v1/company", json={"primary_contact_id": contact.id})
    assert response.status_code == 200, response.text

    assert_error(client.delete(f"/v1/employees/{contact.id}"), 409, "conflict")
    assert get_employee(client, contact.id)["active"] is True

    # Once someone else is the primary contact, they may go.
    assert client.patch("/v1/company", json={"primary_contact_id": team.owner.id}).status_code == 200
    assert client.delete(f"/v1/employees/{contact.id}").status_code == 204


# --- other partners -------------------------------------------------------------------------------------------


def test_another_partners_employees_are_not_found(team, stranger, clock):
    target = team.viewer

    assert_error(stranger.client.get(f"/v1/employees/{target.id}"), 404, "not_found")
    assert_error(stranger.client.patch(f"/v1/employees/{target.id}", json={"role": "admin"}), 404, "not_found")
    assert_error(stranger.client.patch(f"/v1/employees/{target.id}", json={"active": False}), 404, "not_found")
    assert_error(stranger.client.delete(f"/v1/employees/{target.id}"), 404, "not_found")
    assert_error(stranger.client.delete(f"/v1/employees/{team.owner.id}"), 404, "not_found")
    assert_error(team.admin.client.get(f"/v1/employees/{stranger.id}"), 404, "not_found")
    assert_error(team.admin.client.patch(f"/v1/employees/{stranger.id}", json={"role": "admin"}), 404, "not_found")

    assert listed_ids(stranger.client) == {stranger.id}
    assert stranger.id not in listed_ids(team.owner.client)
    # Untouched.
    assert get_employee(team.owner.client, target.id)["role"] == "viewer"
    assert target.client.get("/v1/me").status_code == 200


def test_a_viewer_gets_404_not_403_for_another_partners_employee(team, stranger, clock):
    assert_error(team.viewer.client.get(f"/v1/employees/{stranger.id}"), 404, "not_found")


@pytest.mark.parametrize("employee_id", ["no-such-employee", "0" * 26, "%20"])
def test_an_unknown_employee_is_not_found(team, clock, employee_id):
    client = team.owner.client
    assert_error(client.get(f"/v1/employees/{employee_id}"), 404, "not_found")
    assert_error(client.patch(f"/v1/employees/{employee_id}", json={"role": "sales"}), 404, "not_found")
    assert_error(client.delete(f"/v1/employees/{employee_id}"), 404, "not_found")


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/v1/employees"),
        ("POST", "/v1/employees"),
        ("GET", "/v1/employees/some-id"),
        ("PATCH", "/v1/employees/some-id"),
        ("DELETE", "/v1/employees/some-id"),
    ],
)
def test_employee_routes_need_a_token(client, clock, method, path):
    assert_error(client.request(method, path, json={} if method in ("POST", "PATCH") else None), 401, "unauthenticated")
