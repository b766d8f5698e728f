"""Identity on a real RabbitMQ: its RPC answers, its events, and races settled in the database."""

import logging

import eventlet
import pyotp
import pytest
from nameko.testing.services import entrypoint_waiter

from portal_common.errors import InvalidCode, InvalidCredentials, RateLimited, Unauthenticated
from portal_common.event_handlers import on_event
from portal_common.events import EMPLOYEE_CREATED, EMPLOYEE_DEACTIVATED

PASSWORD = "a long enough password"


class Listener:
    name = "listener"
    seen = []

    @on_event(EMPLOYEE_CREATED)
    def on_employee_created(self, payload):
        self.seen.append(("employee_created", payload))

    @on_event(EMPLOYEE_DEACTIVATED)
    def on_employee_deactivated(self, payload):
        self.seen.append(("employee_deactivated", payload))


def sign_up(rpc, email="owner@example.com"):
    return rpc.sign_up({"company_name": "Acme", "name": "Owner", "email": email, "password": PASSWORD})


def caller_of(rpc, email):
    token = rpc.sign_in({"email": email, "password": PASSWORD})["token"]
    me = rpc.authenticate(token)
    return {"partner_id": me["partner_id"], "employee_id": me["id"], "role": me["role"], "session_id": me["session_id"]}


def test_sign_up_publishes_employee_created_after_commit(rpc, container_factory, config):
    Listener.seen = []
    listener = container_factory(Listener, config)
    listener.start()
    with entrypoint_waiter(listener, "on_employee_created"):
        answer = sign_up(rpc)
    ((event_type, payload),) = Listener.seen
    assert payload["id"] == answer["employee"]["id"]
    assert payload["partner_id"] == answer["partner"]["id"]
    assert payload["role"] == "owner" and payload["version"] == 1
    assert payload["event_id"] and payload["occurred_at"].endswith("Z")
    assert "password" not in str(payload)


def test_deactivation_publishes_a_newer_version_and_revokes_sessions(rpc, container_factory, config):
    Listener.seen = []
    listener = container_factory(Listener, config)
    listener.start()
    sign_up(rpc)
    owner = caller_of(rpc, "owner@example.com")
    clerk = rpc.create_employee(owner, {"email": "c@example.com", "name": "C", "role": "sales", "password": PASSWORD})
    token = rpc.sign_in({"email": "c@example.com", "password": PASSWORD})["token"]
    with entrypoint_waiter(listener, "on_employee_deactivated"):
        rpc.update_employee(owner, clerk["id"], {"active": False})
    payload = dict(Listener.seen)["employee_deactivated"]
    assert payload["id"] == clerk["id"] and payload["active"] is False and payload["version"] == 2
    with pytest.raises(Unauthenticated):
        rpc.authenticate(token)


def test_errors_cross_the_bus_as_their_own_class(rpc):
    sign_up(rpc)
    with pytest.raises(InvalidCredentials) as raised:
        rpc.sign_in({"email": "owner@example.com", "password": "wrong password"})
    assert raised.value.code == "invalid_credentials" and raised.value.status == 401


def test_lockout_follows_the_injected_clock(rpc, clock):
    sign_up(rpc)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            rpc.sign_in({"email": "owner@example.com", "password": "wrong password"})
    with pytest.raises(RateLimited) as raised:
        rpc.sign_in({"email": "owner@example.com", "password": PASSWORD})
    assert 1 <= raised.value.retry_after_seconds <= 15 * 60
    clock.advance(minutes=15, seconds=1)
    assert rpc.sign_in({"email": "owner@example.com", "password": PASSWORD})["token"]


def test_one_totp_code_raced_by_two_requests_is_accepted_once(rpc, config, clock):
    from nameko.standalone.rpc import ServiceRpcProxy

    sign_up(rpc)
    owner = caller_of(rpc, "owner@example.com")
    secret = rpc.set_up_two_factor(owner)["secret"]
    rpc.confirm_two_factor(owner, {"code": pyotp.TOTP(secret).at(clock.now())})
    clock.advance(seconds=30)
    challenges = [rpc.sign_in({"email": "owner@example.com", "password": PASSWORD})["challenge"] for _ in range(2)]
    code = pyotp.TOTP(secret).at(clock.now())

    def verify(challenge):
        with ServiceRpcProxy("identity", config) as proxy:
            try:
                return proxy.verify({"challenge": challenge, "code": code})["token"]
            except InvalidCode:
                return None

    results = list(eventlet.GreenPool().imap(verify, challenges))
    assert sum(result is not None for result in results) == 1


def test_no_password_or_code_reaches_the_logs(rpc, caplog, clock):
    caplog.set_level(logging.DEBUG)
    # As config.yml does: at DEBUG nameko logs whole RPC replies, and replies carry tokens.
    for name in ("nameko.rpc", "nameko.standalone.rpc"):
        caplog.set_level(logging.INFO, logger=name)
    sign_up(rpc)
    with pytest.raises(InvalidCredentials):
        rpc.sign_in({"email": "owner@example.com", "password": "the secret guess 123"})
    owner = caller_of(rpc, "owner@example.com")
    secret = rpc.set_up_two_factor(owner)["secret"]
    code = pyotp.TOTP(secret).at(clock.now())
    codes = rpc.confirm_two_factor(owner, {"code": code})["recovery_codes"]
    text = caplog.text
    assert caplog.records, "nothing was logged at all: the check would prove nothing"
    for secret_value in (PASSWORD, "the secret guess 123", code, *codes):
        assert secret_value not in text


def test_racing_wrong_passwords_never_get_more_than_five_checks(rpc, config):
    from nameko.standalone.rpc import ServiceRpcProxy

    sign_up(rpc)

    def guess(n):
        with ServiceRpcProxy("identity", config) as proxy:
            try:
                proxy.sign_in({"email": "owner@example.com", "password": f"wrong guess {n}"})
            except Exception as exc:  # noqa: BLE001 - which error each got is the point
                return type(exc)

    answers = list(eventlet.GreenPool().imap(guess, range(12)))
    # Five checks at most; on a busy machine a guess that waited too long for a hashing slot is
    # refused (429) and still counted, so fewer than five may have been checked.
    assert set(answers) == {InvalidCredentials, RateLimited}, answers
    assert 1 <= answers.count(InvalidCredentials) <= 5


def wrong_code(secret, when):
    near = {pyotp.TOTP(secret).at(when.timestamp() + 30 * step) for step in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def test_wrong_codes_are_limited_per_employee_across_challenges(rpc, clock):
    sign_up(rpc)
    owner = caller_of(rpc, "owner@example.com")
    secret = rpc.set_up_two_factor(owner)["secret"]
    rpc.confirm_two_factor(owner, {"code": pyotp.TOTP(secret).at(clock.now())})
    for _ in range(2):
        challenge = rpc.sign_in({"email": "owner@example.com", "password": PASSWORD})["challenge"]
        for _ in range(5):
            with pytest.raises(InvalidCode):
                rpc.verify({"challenge": challenge, "code": wrong_code(secret, clock.now())})
    challenge = rpc.sign_in({"email": "owner@example.com", "password": PASSWORD})["challenge"]
    clock.advance(seconds=30)
    with pytest.raises(RateLimited):
        rpc.verify({"challenge": challenge, "code": pyotp.TOTP(secret).at(clock.now())})
    clock.advance(minutes=15, seconds=1)
    challenge = rpc.sign_in({"email": "owner@example.com", "password": PASSWORD})["challenge"]
    assert rpc.verify({"challenge": challenge, "code": pyotp.TOTP(secret).at(clock.now())})["token"]
