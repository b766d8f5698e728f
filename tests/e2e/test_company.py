"""The partner's company: profile, primary contact and logo, over HTTP."""

import io
import struct
import zlib

import pytest
from PIL import Image

from tests.flows import assert_error, create_employee, names_field, sign_up


def image_bytes(fmt, size=(40, 20)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


PNG, JPEG, GIF = image_bytes("PNG"), image_bytes("JPEG"), image_bytes("GIF")


@pytest.fixture
def owner(system):
    return sign_up(system, company_name="Acme IT", name="Olive Owner")


def put_logo(actor, data, content_type):
    return actor.client.put("/v1/company/logo", data=data, headers={"Content-Type": content_type})


def test_the_company_exists_right_after_sign_up_with_the_owner_as_primary_contact(owner):
    response = owner.client.get("/v1/company")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "id": owner.partner_id,
        "name": "Acme IT",
        "address": {"line1": None, "line2": None, "city": None, "region": None, "postal_code": None, "country": None},
        "location": {"timezone": "UTC"},
        "primary_contact": {"id": owner.id, "name": "Olive Owner", "email": owner.email},
        "logo_url": None,
        "require_two_factor": False,
    }


def test_owner_edits_name_address_and_location(owner):
    response = owner.client.patch(
        "/v1/company",
        json={
            "name": "Acme IT GmbH",
            "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "de"},
            "location": {"timezone": "Europe/Berlin"},
        },
    )
    assert response.status_code == 200, response.text
    company = response.json()
    assert company["name"] == "Acme IT GmbH"
    assert company["address"] == {
        "line1": "Hauptstr. 1",
        "line2": None,
        "city": "Berlin",
        "region": None,
        "postal_code": "10115",
        "country": "DE",
    }
    assert company["location"] == {"timezone": "Europe/Berlin"}
    # A later patch of one address field keeps the others.
    response = owner.client.patch("/v1/company", json={"address": {"line2": "Hinterhaus"}})
    assert response.json()["address"]["line1"] == "Hauptstr. 1"
    assert response.json()["address"]["line2"] == "Hinterhaus"
    assert owner.client.get("/v1/company").json() == response.json()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"address": {"country": "XX"}}, "address"),
        ({"address": {"country": "Germany"}}, "address"),
        ({"location": {"timezone": "Mars/Olympus"}}, "location"),
        ({"location": {}}, "location"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"address": {"line1": "x" * 201}}, "address"),
        ({"logo": "nope"}, "logo"),
        ({"address": "Main street"}, "address"),
    ],
)
def test_bad_profile_fields_are_400_naming_the_field_and_change_nothing(owner, body, field):
    before = owner.client.get("/v1/company").json()
    error = assert_error(owner.client.patch("/v1/company", json=body), 400, "validation_error")
    assert names_field(error, field), error
    assert owner.client.get("/v1/company").json() == before


def test_the_primary_contact_must_be_an_active_employee_of_the_partner(owner, system):
    admin = create_employee(owner, "admin")
    response = owner.client.patch("/v1/company", json={"primary_contact_id": admin.id})
    assert response.status_code == 200, response.text
    assert response.json()["primary_contact"] == {"id": admin.id, "name": admin.name, "email": admin.email}

    stranger = sign_up(system)
    error = assert_error(
        owner.client.patch("/v1/company", json={"primary_contact_id": stranger.id}), 400, "validation_error"
    )
    assert "primary_contact_id" in error["details"]
    viewer = create_employee(owner, "viewer")
    assert owner.client.patch(f"/v1/employees/{viewer.id}", json={"active": False}).status_code == 200
    assert_error(owner.client.patch("/v1/company", json={"primary_contact_id": viewer.id}), 400, "validation_error")
    assert_error(owner.client.patch("/v1/company", json={"primary_contact_id": "no-such-id"}), 400, "validation_error")
    assert owner.client.get("/v1/company").json()["primary_contact"]["id"] == admin.id


def test_the_primary_contact_cannot_be_removed_or_deactivated(owner):
    sales = create_employee(owner, "sales")
    assert owner.client.patch("/v1/company", json={"primary_contact_id": sales.id}).status_code == 200
    assert_error(owner.client.delete(f"/v1/employees/{sales.id}"), 409, "conflict")
    assert_error(owner.client.patch(f"/v1/employees/{sales.id}", json={"active": False}), 409, "conflict")
    assert owner.client.patch("/v1/company", json={"primary_contact_id": owner.id}).status_code == 200
    assert owner.client.delete(f"/v1/employees/{sales.id}").status_code == 204


@pytest.mark.parametrize("role", ["sales", "support", "viewer"])
def test_only_owner_and_admin_edit_the_company(owner, role):
    employee = create_employee(owner, role)
    assert employee.client.get("/v1/company").status_code == 200
    assert_error(employee.client.patch("/v1/company", json={"name": "Mine now"}), 403, "forbidden")
    assert_error(put_logo(employee, PNG, "image/png"), 403, "forbidden")
    assert_error(employee.client.delete("/v1/company/logo"), 403, "forbidden")
    admin = create_employee(owner, "admin")
    assert admin.client.patch("/v1/company", json={"name": "Admin was here"}).status_code == 200


def test_company_routes_need_a_session(client):
    assert_error(client.get("/v1/company"), 401, "unauthenticated")
    assert_error(client.patch("/v1/company", json={"name": "x"}), 401, "unauthenticated")
    assert_error(client.get("/v1/company/logo"), 401, "unauthenticated")


@pytest.mark.parametrize("data, content_type", [(PNG, "image/png"), (JPEG, "image/jpeg"), (GIF, "image/gif")])
def test_a_logo_round_trips_byte_for_byte(owner, data, content_type):
    response = put_logo(owner, data, content_type)
    assert response.status_code == 200, response.text
    assert response.json() == {"logo_url": "/v1/company/logo"}
    logo = owner.client.get("/v1/company/logo")
    assert logo.status_code == 200
    assert logo.content == data
    assert logo.headers["Content-Type"] == content_type
    assert logo.headers["X-Content-Type-Options"] == "nosniff"
    assert owner.client.get("/v1/company").json()["logo_url"] == "/v1/company/logo"


@pytest.mark.parametrize(
    "data, content_type, status, code",
    [
        (JPEG, "image/png", 415, "unsupported_media_type"),
        (PNG, "image/gif", 415, "unsupported_media_type"),
        (b"GIF89a but not really an image", "image/gif", 415, "unsupported_media_type"),
        (PNG[:40], "image/png", 415, "unsupported_media_type"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml", 415, "unsupported_media_type"),
        (PNG, "text/plain", 415, "unsupported_media_type"),
        (b"", "image/png", 415, "unsupported_media_type"),
        (PNG + b"\0" * (1024 * 1024), "image/png", 413, "payload_too_large"),
    ],
)
def test_a_refused_logo_never_replaces_the_stored_one(owner, data, content_type, status, code):
    assert put_logo(owner, GIF, "image/gif").status_code == 200
    assert_error(put_logo(owner, data, content_type), status, code)
    logo = owner.client.get("/v1/company/logo")
    assert logo.content == GIF and logo.headers["Content-Type"] == "image/gif"


def test_a_logo_of_exactly_one_mebibyte_is_accepted(owner):
    """A PNG padded to the limit inside its own structure (a text chunk), the whole upload exactly
    1 MiB; bytes after the image's end are refused, whatever the size."""
    iend = PNG.rindex(b"IEND") - 4
    text = b"Comment\0" + b"x" * (1024 * 1024 - len(PNG) - 12 - len(b"Comment\0"))
    data = (
        PNG[:iend]
        + struct.pack(">I", len(text))
        + b"tEXt"
        + text
        + struct.pack(">I", zlib.crc32(b"tEXt" + text))
        + PNG[iend:]
    )
    assert len(data) == 1024 * 1024
    assert put_logo(owner, data, "image/png").status_code == 200
    assert owner.client.get("/v1/company/logo").content == data
    assert_error(put_logo(owner, PNG + b"\0" * 10, "image/png"), 415, "unsupported_media_type")


def test_deleting_the_logo(owner):
    assert put_logo(owner, PNG, "image/png").status_code == 200
    assert owner.client.delete("/v1/company/logo").status_code == 204
    assert_error(owner.client.get("/v1/company/logo"), 404, "not_found")
    assert owner.client.get("/v1/company").json()["logo_url"] is None
    assert owner.client.delete("/v1/company/logo").status_code == 204


def test_each_partner_sees_only_its_own_company_and_logo(owner, system):
    other = sign_up(system, company_name="Other Co")
    assert put_logo(owner, PNG, "image/png").status_code == 200
    assert other.client.get("/v1/company").json()["name"] == "Other Co"
    assert other.client.get("/v1/company").json()["logo_url"] is None
    assert_error(other.client.get("/v1/company/logo"), 404, "not_found")
