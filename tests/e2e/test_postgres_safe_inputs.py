"""Inputs no database stores (NUL characters) are refused in the contract's format, on SQLite and
on PostgreSQL alike (`--postgres`), in bodies, paths, queries and headers."""

from tests.flows import assert_error, sign_up


def test_nul_characters_in_bodies_are_400_naming_the_field(system):
    owner = sign_up(system)
    error = assert_error(
        system.client().post("/v1/sessions", json={"email": "a\x00@b.test", "password": "x"}), 400, "validation_error"
    )
    assert "email" in error["details"]
    error = assert_error(
        owner.client.post("/v1/accounts", json={"name": "Con\x00toso", "contact_email": "a@b.test"}),
        400,
        "validation_error",
    )
    assert "name" in error["details"]
    assert_error(
        owner.client.post(
            "/v1/orders",
            json={"items": [{"product": "safe\x00", "plan": "basic", "term_years": 1, "quantity": 1}]},
            headers={"Idempotency-Key": "k"},
        ),
        400,
        "validation_error",
    )


def test_nul_characters_in_paths_and_queries(system):
    owner = sign_up(system)
    assert_error(owner.client.get("/v1/employees/abc%00def"), 404, "not_found")
    assert_error(owner.client.get("/v1/accounts/%00"), 404, "not_found")
    assert_error(owner.client.get("/v1/accounts", params={"q": "a\x00b"}), 400, "validation_error")


def test_a_user_agent_with_control_characters_is_stored_printable(system, clock):
    from tests.flows import enable_two_factor, next_code

    owner = sign_up(system)
    enable_two_factor(owner, clock)
    challenge = system.client().post("/v1/sessions", json={"email": owner.email, "password": owner.password}).json()
    verified = system.client().post(
        "/v1/sessions/verify",
        headers={"User-Agent": "Agent\x01Smith"},
        json={"challenge": challenge["challenge"], "code": next_code(clock, owner.secret), "remember_device": True},
    )
    assert verified.status_code == 201, verified.text
    devices = system.client(verified.json()["token"]).get("/v1/me/devices").json()["items"]
    assert [d["user_agent"] for d in devices] == ["AgentSmith"]


def test_lone_surrogates_are_400_not_500(system):
    owner = sign_up(system)
    for path, body in (
        ("/v1/accounts", b'{"name": "\\ud800", "contact_email": "a@b.test"}'),
        ("/v1/signup", b'{"company_name": "A", "name": "\\udc80x", "email": "s@b.test", "password": "0123456789"}'),
        ("/v1/sessions", b'{"email": "a\\ud800@x.test", "password": "whatever"}'),
    ):
        response = owner.client.post(path, data=body, headers={"Content-Type": "application/json"})
        assert_error(response, 400, "validation_error")
