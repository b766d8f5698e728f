"""The company's `require_two_factor` (API.md 1.1): while on, an employee without a second factor who
signs in gets a session that may only see who they are, set a second factor up, confirm it and sign
out; everything else answers 403 `two_factor_required` until the second factor is confirmed."""

from tests.flows import (
    assert_error,
    create_employee,
    enable_two_factor,
    next_code,
    sign_in,
    sign_in_token,
    sign_in_with_code,
    sign_up,
)


def require(owner, on):
    response = owner.client.patch("/v1/company", json={"require_two_factor": on})
    assert response.status_code == 200, response.text
    assert response.json()["require_two_factor"] is on
    return response.json()


def test_the_policy_is_off_by_default_and_only_owners_and_admins_set_it(system):
    owner = sign_up(system)
    assert owner.client.get("/v1/company").json()["require_two_factor"] is False
    for role in ("sales", "support", "viewer"):
        employee = create_employee(owner, role)
        assert_error(employee.client.patch("/v1/company", json={"require_two_factor": True}), 403, "forbidden")
    admin = create_employee(owner, "admin")
    assert admin.client.patch("/v1/company", json={"require_two_factor": True}).json()["require_two_factor"] is True
    assert owner.client.get("/v1/company").json()["require_two_factor"] is True
    assert_error(owner.client.patch("/v1/company", json={"require_two_factor": "yes"}), 400, "validation_error")
    assert owner.client.get("/v1/company").json()["require_two_factor"] is True


def test_an_invalid_profile_field_beside_the_policy_changes_neither(system):
    owner = sign_up(system)
    before = owner.client.get("/v1/company").json()
    error = assert_error(
        owner.client.patch("/v1/company", json={"require_two_factor": True, "name": ""}), 400, "validation_error"
    )
    assert "name" in error["details"]
    assert owner.client.get("/v1/company").json() == before


def test_an_employee_without_a_second_factor_gets_a_session_that_can_only_set_one_up(system, clock):
    owner = sign_up(system)
    employee = create_employee(owner, "admin")
    require(owner, True)
    # The sessions that were open before stay as they were; the next sign-in is limited.
    assert employee.client.get("/v1/accounts").status_code == 200
    employee.token = sign_in_token(system, employee.email, employee.password)
    client = employee.client
    me = client.get("/v1/me")
    assert me.status_code == 200 and me.json()["two_factor_setup_required"] is True
    for method, path in (
        ("GET", "/v1/accounts"),
        ("GET", "/v1/company"),
        ("GET", "/v1/employees"),
        ("POST", "/v1/me/password"),
        ("GET", "/v1/me/devices"),
        ("GET", "/v1/subscriptions"),
    ):
        assert_error(client.request(method, path, json={}), 403, "two_factor_required")
    enable_two_factor(employee, clock)
    assert client.get("/v1/me").json()["two_factor_setup_required"] is False
    assert client.get("/v1/accounts").status_code == 200
    # From now on they sign in with the second factor, as anyone who has one.
    assert sign_in(system, employee.email, employee.password).status_code == 202


def test_signing_out_works_on_a_limited_session(system):
    owner = sign_up(system)
    employee = create_employee(owner, "viewer")
    require(owner, True)
    employee.token = sign_in_token(system, employee.email, employee.password)
    assert employee.client.delete("/v1/sessions/current").status_code == 204
    assert_error(employee.client.get("/v1/me"), 401, "unauthenticated")


def test_an_employee_with_a_second_factor_is_not_limited(system, clock):
    owner = sign_up(system)
    enable_two_factor(owner, clock)
    require(owner, True)
    owner.token = sign_in_with_code(owner, clock)["token"]
    assert owner.client.get("/v1/me").json()["two_factor_setup_required"] is False
    assert owner.client.get("/v1/accounts").status_code == 200


def test_turning_the_policy_off_frees_limited_sessions_at_once(system):
    owner = sign_up(system)
    employee = create_employee(owner, "sales")
    require(owner, True)
    employee.token = sign_in_token(system, employee.email, employee.password)
    assert_error(employee.client.get("/v1/accounts"), 403, "two_factor_required")
    require(owner, False)
    assert employee.client.get("/v1/accounts").status_code == 200
    require(owner, True)  # on again: that session was opened under the policy
    assert_error(employee.client.get("/v1/accounts"), 403, "two_factor_required")


def test_a_limited_session_sees_its_code_confirmed_with_a_wrong_code_refused(system, clock):
    owner = sign_up(system)
    employee = create_employee(owner, "support")
    require(owner, True)
    employee.token = sign_in_token(system, employee.email, employee.password)
    client = employee.client
    secret = client.post("/v1/me/2fa/setup").json()["secret"]
    assert_error(client.post("/v1/me/2fa/confirm", json={"code": "000000"}), 401, "invalid_code")
    assert_error(client.get("/v1/accounts"), 403, "two_factor_required")
    confirmed = client.post("/v1/me/2fa/confirm", json={"code": next_code(clock, secret)})
    assert confirmed.status_code == 200 and len(confirmed.json()["recovery_codes"]) > 0
    assert client.get("/v1/accounts").status_code == 200
