"""A company's employees: one address per person across every company, invitations, what may be
changed or removed by whom (the owner, the primary contact, oneself), and what deactivation ends."""

import pytest

from portal_common.errors import Conflict, EmailTaken, InvalidCredentials, InvalidToken, NotFound, Unauthenticated
from portal_common.schemas import identity as api
from portal_common.schemas import load

from identity.usecases import employees, links, sessions
from services.identity.tests.usecases.people import (
    NOW,
    OWNER,
    PAGE,
    PASSWORD,
    activity_of,
    add_employee,
    mailed_token,
    reset_password,
    sign_in,
    sign_up,
    signed_in,
    update,
)


def accept(uow, hasher, token, now=NOW):
    payload = load(api.InvitationAcceptRequest, {"token": token, "password": PASSWORD})
    return links.accept_invitation(uow, hasher, now, payload)


def test_sign_up_announces_the_company_with_its_owner(uow, hasher):
    owner = sign_up(uow, hasher)

    [signed_up] = uow.events("partner_signed_up")
    assert (signed_up["id"], signed_up["owner"]["email"]) == (owner["partner_id"], OWNER)
    [created] = uow.events("employee_created")
    assert (created["id"], created["role"], created["version"]) == (owner["employee_id"], "owner", 1)
    assert activity_of(uow, "employee.created") == [f"Signed up Acme with {OWNER} as its owner"]


def test_an_address_belongs_to_one_employee_across_every_company(uow, hasher):
    owner = sign_up(uow, hasher)
    with pytest.raises(EmailTaken):
        sign_up(uow, hasher, email=OWNER.upper(), company="Other")
    with pytest.raises(EmailTaken):
        add_employee(uow, hasher, owner, "Owner@Acme.TEST")

    assert [row["email"] for row in employees.list_employees(uow, owner, PAGE)["items"]] == [OWNER]
    assert len(uow.events("employee_created")) == 1


def test_an_invited_employee_signs_in_only_once_they_accept_and_the_link_works_once(uow, hasher):
    owner = sign_up(uow, hasher)
    invited = add_employee(uow, hasher, owner, "ivy@acme.test", password=None)

    assert invited["status"] == "invited"
    invitation = uow.events("employee_invited")[-1]
    assert (invitation["invited_by"], invitation["email"]) == ("Olive Owner", "ivy@acme.test")
    assert activity_of(uow, "employee.invited") == ["Invited ivy@acme.test as sales"]
    with pytest.raises(InvalidCredentials):
        sign_in(uow, hasher, "ivy@acme.test")
    assert activity_of(uow, "session.refused") == ["Sign-in refused: the invitation is not accepted yet"]

    session = accept(uow, hasher, invitation["token"])

    assert sessions.authenticate(uow, NOW, session["token"])["id"] == invited["id"]
    assert uow.events("employee_updated")[-1]["version"] == 2
    assert activity_of(uow, "session.created")[-1] == "Accepted the invitation and signed in"
    assert employees.get_employee(uow, owner, invited["id"])["status"] == "active"
    with pytest.raises(InvalidToken):
        accept(uow, hasher, invitation["token"])


def test_an_invitation_expires_after_seven_days_and_inviting_again_kills_the_earlier_link(uow, hasher):
    owner = sign_up(uow, hasher)
    invited = add_employee(uow, hasher, owner, "ivy@acme.test", password=None)
    first = mailed_token(uow, "employee_invited")
    with pytest.raises(InvalidToken):
        accept(uow, hasher, first, now=NOW + links.INVITATION_TTL)

    employees.invite_again(uow, NOW, owner, invited["id"])

    with pytest.raises(InvalidToken):
        accept(uow, hasher, first)
    assert accept(uow, hasher, mailed_token(uow, "employee_invited"))["token"]
    assert activity_of(uow, "employee.invited")[-1] == "Invited ivy@acme.test again"
    with pytest.raises(Conflict, match="not accepted an invitation yet"):
        employees.invite_again(uow, NOW, owner, invited["id"])


def test_the_owner_cannot_be_demoted_deactivated_or_removed(uow, hasher):
    owner = sign_up(uow, hasher)
    admin = add_employee(uow, hasher, owner, "ada@acme.test", role="admin")
    by_admin = signed_in(uow, hasher, "ada@acme.test")

    for change in ({"role": "admin"}, {"active": False}):
        with pytest.raises(Conflict, match="owner cannot be"):
            update(uow, by_admin, owner["employee_id"], **change)
    with pytest.raises(Conflict, match="owner cannot be removed"):
        employees.delete_employee(uow, NOW, by_admin, owner["employee_id"])

    assert employees.get_employee(uow, owner, owner["employee_id"])["status"] == "active"
    assert admin["id"] and uow.events("employee_updated") == []


def test_the_primary_contact_is_kept_until_another_is_designated(uow, hasher):
    owner = sign_up(uow, hasher)
    sam = add_employee(uow, hasher, owner, "sam@acme.test")
    ivy = add_employee(uow, hasher, owner, "ivy@acme.test", password=None)

    assert employees.designate_primary_contact(uow, owner, ivy["id"]) is None  # not active yet
    assert employees.designate_primary_contact(uow, owner, sam["id"])["email"] == "sam@acme.test"
    with pytest.raises(Conflict, match="primary contact cannot be deactivated"):
        update(uow, owner, sam["id"], active=False)
    with pytest.raises(Conflict, match="primary contact cannot be removed"):
        employees.delete_employee(uow, NOW, owner, sam["id"])

    employees.designate_primary_contact(uow, owner, owner["employee_id"])
    employees.delete_employee(uow, NOW, owner, sam["id"])

    removed = uow.events("employee_removed")[-1]
    assert (removed["id"], removed["version"], removed["active"]) == (sam["id"], 2, False)
    assert activity_of(uow, "employee.removed") == ["Removed sam@acme.test"]
    assert uow.events("access_changed")[-1]["id"] == sam["id"]
    with pytest.raises(NotFound):
        employees.get_employee(uow, owner, sam["id"])


def test_nobody_deactivates_or_removes_themselves(uow, hasher):
    owner = sign_up(uow, hasher)
    add_employee(uow, hasher, owner, "ada@acme.test", role="admin")
    admin = signed_in(uow, hasher, "ada@acme.test")

    with pytest.raises(Conflict, match="cannot deactivate yourself"):
        update(uow, admin, admin["employee_id"], active=False)
    with pytest.raises(Conflict, match="cannot remove yourself"):
        employees.delete_employee(uow, NOW, admin, admin["employee_id"])


def test_a_role_change_is_a_new_version_and_a_change_to_the_same_role_is_none(uow, hasher):
    owner = sign_up(uow, hasher)
    sam = add_employee(uow, hasher, owner, "sam@acme.test")

    update(uow, owner, sam["id"], role="sales")
    assert uow.events("employee_updated") == [] and uow.events("access_changed") == []

    assert update(uow, owner, sam["id"], role="admin")["role"] == "admin"
    [updated] = uow.events("employee_updated")
    assert (updated["role"], updated["version"]) == ("admin", 2)
    assert [event["id"] for event in uow.events("access_changed")] == [sam["id"]]
    assert activity_of(uow, "employee.updated") == ["sam@acme.test: role: sales → admin"]


def test_deactivation_ends_every_session_and_link_for_good(uow, hasher):
    owner = sign_up(uow, hasher)
    sam = add_employee(uow, hasher, owner, "sam@acme.test")
    token = sign_in(uow, hasher, "sam@acme.test")["token"]
    links.request_reset(uow, NOW, "sam@acme.test")
    reset = mailed_token(uow, "password_reset_requested")

    update(uow, owner, sam["id"], active=False)

    deactivated = uow.events("employee_deactivated")[-1]
    assert (deactivated["active"], deactivated["version"]) == (False, 2)
    assert activity_of(uow, "employee.updated") == ["sam@acme.test: deactivated"]
    with pytest.raises(Unauthenticated):
        sessions.authenticate(uow, NOW, token)
    with pytest.raises(InvalidCredentials):
        sign_in(uow, hasher, "sam@acme.test")
    assert activity_of(uow, "session.refused") == ["Sign-in refused: the employee is deactivated"]

    update(uow, owner, sam["id"], active=True)
    with pytest.raises(Unauthenticated):
        sessions.authenticate(uow, NOW, token)
    with pytest.raises(InvalidToken):
        reset_password(uow, hasher, reset)
    assert sign_in(uow, hasher, "sam@acme.test")["token"]


def test_another_companys_employees_are_not_found(uow, hasher):
    acme = sign_up(uow, hasher)
    other = sign_up(uow, hasher, email="boss@other.test", company="Other")
    sam = add_employee(uow, hasher, acme, "sam@acme.test")

    with pytest.raises(NotFound):
        employees.get_employee(uow, other, sam["id"])
    with pytest.raises(NotFound):
        update(uow, other, sam["id"], role="admin")
    with pytest.raises(NotFound):
        employees.delete_employee(uow, NOW, other, sam["id"])
    assert employees.designate_primary_contact(uow, other, sam["id"]) is None
    assert [row["email"] for row in employees.list_employees(uow, other, PAGE)["items"]] == ["boss@other.test"]


def test_a_deactivated_invitee_is_told_to_be_reactivated_before_being_invited_again(uow, hasher):
    owner = sign_up(uow, hasher)
    invited = add_employee(uow, hasher, owner, "ian@acme.test", password=None)
    update(uow, owner, invited["id"], active=False)

    with pytest.raises(Conflict, match="deactivated: reactivate them first"):
        employees.invite_again(uow, NOW, owner, invited["id"])

    update(uow, owner, invited["id"], active=True)
    employees.invite_again(uow, NOW, owner, invited["id"])
    assert accept(uow, hasher, mailed_token(uow, "employee_invited"))["token"]
