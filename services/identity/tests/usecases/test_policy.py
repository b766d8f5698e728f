"""The company's policy that every employee have a second factor: while it is on, a session opened
without one may only set one up; the gateways forget what they knew of those employees."""

from identity.usecases import policy, sessions
from services.identity.tests.usecases.people import (
    NOW,
    OWNER,
    activity_of,
    add_employee,
    caller_of,
    sign_in,
    sign_up,
    turn_on_two_factor,
)


def setup_required(uow, token):
    return sessions.authenticate(uow, NOW, token)["two_factor_setup_required"]


def test_while_required_a_session_without_a_second_factor_may_only_set_one_up(uow, hasher):
    owner = sign_up(uow, hasher)
    turn_on_two_factor(uow, owner)
    sam = add_employee(uow, hasher, owner, "sam@acme.test")
    before = sign_in(uow, hasher, "sam@acme.test")["token"]

    told = len(uow.events("access_changed"))

    assert policy.require_two_factor(uow, NOW, owner, True, "Acme") is True

    assert [event["id"] for event in uow.events("access_changed")[told:]] == [sam["id"]]
    assert activity_of(uow, "company.updated") == ["Two-step verification required for every employee"]
    assert policy.two_factor_required(uow, owner) is True
    during = sign_in(uow, hasher, "sam@acme.test")["token"]
    assert (setup_required(uow, before), setup_required(uow, during)) == (False, True)
    turn_on_two_factor(uow, caller_of(uow, during))
    assert setup_required(uow, during) is False


def test_switching_it_off_frees_those_sessions_and_setting_it_unchanged_records_nothing(uow, hasher):
    owner = sign_up(uow, hasher)
    policy.require_two_factor(uow, NOW, owner, True, "Acme")
    token = sign_in(uow, hasher, OWNER)["token"]
    assert setup_required(uow, token) is True

    policy.require_two_factor(uow, NOW, owner, False, "Acme")
    events = len(uow.events())
    policy.require_two_factor(uow, NOW, owner, False, "Acme")

    assert setup_required(uow, token) is False
    assert len(uow.events()) == events
    assert activity_of(uow, "company.updated")[-1] == "Two-step verification no longer required"
