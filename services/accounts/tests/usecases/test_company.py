"""The partner's company: made once at sign-up however often it is asked, a primary contact who is
an active employee, each profile change announced at a new version, the sign-in policy identity's
alone, and a logo that is a real image, served as it was given and removed once."""

import io

import pytest
from PIL import Image

from portal_common.errors import NotFound, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from portal_common.schemas import accounts as api
from portal_common.schemas import load

from accounts.domain.logo import MAX_LOGO_BYTES
from accounts.usecases import company
from services.accounts.tests.usecases.partner_calls import NOW, PARTNER

OWNER = {"id": "employee-1", "name": "Olive", "email": "olive@acme.test"}
EMPLOYEE = {"id": "employee-2", "name": "Sam", "email": "sam@acme.test"}


class Directory:
    """identity as the company's use cases ask it: which active employee may be the primary contact,
    and the company's sign-in policy (`down`: it does not answer)."""

    def __init__(self, *employees):
        self.employees = {employee["id"]: employee for employee in employees}
        self.two_factor = False
        self.down = False

    def designate_primary_contact(self, caller, employee_id):
        return self.employees.get(employee_id)

    def two_factor_required(self, caller):
        return self.two_factor

    def require_two_factor(self, caller, required, company_name):
        if self.down:
            raise TimeoutError("identity did not answer")
        self.two_factor = required
        return required


@pytest.fixture
def directory():
    return Directory(OWNER, EMPLOYEE)


def signed_up(uow):
    company.create_company(uow, NOW, PARTNER["partner_id"], "Acme", OWNER)


def update(uow, directory, **payload):
    return company.update_company(uow, directory, NOW, PARTNER, load(api.CompanyUpdateRequest, payload))


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_company_is_made_once_however_often_sign_up_arrives(uow, directory):
    with pytest.raises(NotFound):
        company.get_company(uow, directory, PARTNER)

    signed_up(uow)
    signed_up(uow)  # identity's event after the gateway's call

    profile = company.get_company(uow, directory, PARTNER)
    assert (profile["name"], profile["primary_contact"], profile["location"]) == ("Acme", OWNER, {"timezone": "UTC"})
    assert [(event["version"], event["name"]) for event in uow.events("company_changed")] == [(1, "Acme")]


def test_a_profile_change_is_announced_at_a_new_version_and_recorded(uow, directory):
    signed_up(uow)

    answer = update(uow, directory, name=" Acme Ltd ", address={"city": " Leeds ", "country": "GB"})

    assert answer["name"] == "Acme Ltd" and (answer["address"]["city"], answer["address"]["country"]) == ("Leeds", "GB")
    assert [(event["version"], event["name"]) for event in uow.events("company_changed")] == [
        (1, "Acme"),
        (2, "Acme Ltd"),
    ]
    assert uow.activity() == [("company.updated", "Changed the company's name, address")]


def test_the_primary_contact_must_be_an_active_employee(uow, directory):
    signed_up(uow)

    with pytest.raises(ValidationFailed) as refused:
        update(uow, directory, primary_contact_id="not-an-employee")
    assert set(refused.value.details) == {"primary_contact_id"}
    update(uow, directory, primary_contact_id=EMPLOYEE["id"])

    assert company.get_company(uow, directory, PARTNER)["primary_contact"] == EMPLOYEE
    assert [(event["version"], event["primary_contact_email"]) for event in uow.events("company_changed")] == [
        (1, OWNER["email"]),
        (2, EMPLOYEE["email"]),
    ]


def test_the_sign_in_policy_alone_changes_no_profile(uow, directory):
    signed_up(uow)
    commits = uow.commits

    assert update(uow, directory, require_two_factor=True)["require_two_factor"] is True

    assert directory.two_factor and uow.commits == commits
    assert len(uow.events("company_changed")) == 1 and uow.activity() == []


def test_when_identity_does_not_answer_about_the_policy_the_profile_stays_as_it_was(uow, directory):
    signed_up(uow)
    directory.down = True

    with pytest.raises(TimeoutError):
        update(uow, directory, name="Acme Ltd", require_two_factor=True)

    assert company.get_company(uow, directory, PARTNER)["name"] == "Acme"
    assert len(uow.events("company_changed")) == 1


def test_a_logo_must_be_a_small_real_image_of_its_type_and_is_served_as_given(uow, directory):
    with pytest.raises(NotFound):  # no company yet
        company.put_logo(uow, NOW, PARTNER, "image/png", png())
    signed_up(uow)
    with pytest.raises(PayloadTooLarge):
        company.put_logo(uow, NOW, PARTNER, "image/png", b"\0" * (MAX_LOGO_BYTES + 1))
    with pytest.raises(UnsupportedMediaType):
        company.put_logo(uow, NOW, PARTNER, "image/gif", png())
    assert company.get_company(uow, directory, PARTNER)["logo_url"] is None

    assert company.put_logo(uow, NOW, PARTNER, "image/png", png()) == {"logo_url": "/v1/company/logo"}

    assert company.get_logo(uow, PARTNER) == ("image/png", png())
    assert company.get_company(uow, directory, PARTNER)["logo_url"] == "/v1/company/logo"
    [(kind, summary)] = uow.activity()
    assert kind == "company.logo_changed" and summary.startswith("Uploaded a new logo (image/png,")


def test_a_logo_removed_is_gone_and_removing_it_again_changes_nothing(uow, directory):
    signed_up(uow)
    company.put_logo(uow, NOW, PARTNER, "image/png", png())

    company.delete_logo(uow, NOW, PARTNER)
    company.delete_logo(uow, NOW, PARTNER)

    with pytest.raises(NotFound):
        company.get_logo(uow, PARTNER)
    assert company.get_company(uow, directory, PARTNER)["logo_url"] is None
    assert [summary for _, summary in uow.activity()][1:] == ["Removed the logo"]
