"""Password reset links: mailed for an active employee's address only, at most three an hour, used
once within the hour; the reset ends every session, and needs the second factor when it is on."""

import datetime as dt

import pytest

from portal_common.errors import InvalidCode, InvalidToken, Unauthenticated
from portal_common.events import iso

from identity.usecases import links, sessions
from services.identity.tests.usecases.people import (
    NEW_PASSWORD,
    NOW,
    OWNER,
    STEP,
    activity_of,
    add_employee,
    code_at,
    mailed_token,
    reset_password,
    sign_in,
    sign_up,
    turn_on_two_factor,
)


def test_a_reset_link_sets_a_new_password_once_and_ends_every_session(uow, hasher):
    sign_up(uow, hasher)
    token = sign_in(uow, hasher, OWNER)["token"]
    links.request_reset(uow, NOW, " Owner@ACME.test ")
    mailed = uow.events("password_reset_requested")[-1]
    assert (mailed["email"], mailed["expires_at"]) == (OWNER, iso(NOW + links.RESET_TTL))

    reset_password(uow, hasher, mailed["token"])

    with pytest.raises(Unauthenticated):
        sessions.authenticate(uow, NOW, token)
    assert sign_in(uow, hasher, OWNER, NEW_PASSWORD)["token"]
    assert activity_of(uow, "password.reset") == [
        "Reset their password from a mailed link; every session and trusted device ended"
    ]
    with pytest.raises(InvalidToken):
        reset_password(uow, hasher, mailed["token"])


def test_a_reset_link_works_for_an_hour(uow, hasher):
    sign_up(uow, hasher)
    links.request_reset(uow, NOW, OWNER)
    links.request_reset(uow, NOW, OWNER)
    late, in_time = [event["token"] for event in uow.events("password_reset_requested")][-2:]

    with pytest.raises(InvalidToken):
        reset_password(uow, hasher, late, now=NOW + links.RESET_TTL)
    reset_password(uow, hasher, in_time, now=NOW + links.RESET_TTL - dt.timedelta(seconds=1))


def test_at_most_three_links_an_hour_and_none_for_an_address_that_cannot_sign_in(uow, hasher):
    owner = sign_up(uow, hasher)
    add_employee(uow, hasher, owner, "ivy@acme.test", password=None)
    for email in ("nobody@acme.test", "ivy@acme.test"):
        links.request_reset(uow, NOW, email)
    assert uow.events("password_reset_requested") == []

    for _ in range(links.RESETS_PER_HOUR + 1):
        links.request_reset(uow, NOW, OWNER)
    assert len(uow.events("password_reset_requested")) == links.RESETS_PER_HOUR

    links.request_reset(uow, NOW + links.RESET_TTL, OWNER)
    assert len(uow.events("password_reset_requested")) == links.RESETS_PER_HOUR + 1


def test_with_a_second_factor_a_reset_needs_a_code_and_a_refused_one_keeps_the_link(uow, hasher):
    secret, _ = turn_on_two_factor(uow, sign_up(uow, hasher))
    links.request_reset(uow, NOW, OWNER)
    token = mailed_token(uow, "password_reset_requested")

    with pytest.raises(InvalidCode, match="required to reset the password"):
        reset_password(uow, hasher, token)

    assert sign_in(uow, hasher, OWNER)["two_factor_required"]  # the old password still
    reset_password(uow, hasher, token, code=code_at(secret, NOW + STEP), now=NOW + STEP)
    assert sign_in(uow, hasher, OWNER, NEW_PASSWORD)["two_factor_required"]


def test_a_reset_done_leaves_the_hours_limit_where_it_was(uow, hasher):
    """The link used and the others made void still count: no three more mails at once after it."""
    sign_up(uow, hasher)
    links.request_reset(uow, NOW, OWNER)
    links.request_reset(uow, NOW, OWNER)
    reset_password(uow, hasher, mailed_token(uow, "password_reset_requested"))

    for _ in range(links.RESETS_PER_HOUR):
        links.request_reset(uow, NOW, OWNER)
    assert len(uow.events("password_reset_requested")) == links.RESETS_PER_HOUR
    with pytest.raises(InvalidToken):  # the other link of before the reset works no more
        reset_password(uow, hasher, uow.events("password_reset_requested")[0]["token"])

    later = NOW + links.RESET_TTL + dt.timedelta(seconds=1)
    links.request_reset(uow, later, OWNER)
    assert len(uow.events("password_reset_requested")) == links.RESETS_PER_HOUR + 1
