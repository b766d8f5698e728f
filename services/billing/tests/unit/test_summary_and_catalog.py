import datetime as dt
import json

import pytest
from marshmallow import ValidationError

from billing.adapters import catalog_file
from billing.domain.summary import Latest, Seats, seats_of, summarize

UTC = dt.timezone.utc


def test_an_account_without_subscriptions():
    assert summarize(None, []) == {
        "status": "none",
        "product": None,
        "plan": None,
        "expires_at": None,
        "seats": 0,
        "server_seats": 0,
    }


def test_the_latest_subscription_sets_status_and_running_ones_give_their_seats():
    expires = dt.datetime(2027, 1, 1, tzinfo=UTC)
    latest = Latest("active", "safe-pro", "core", expires)
    trial_plan, core_plan, extra_computers = Seats(1, 15, 1), Seats(3, 5, 0), Seats(2, 1, 0)
    summary = summarize(latest, [trial_plan, core_plan, extra_computers, Seats(1, 0, 1)])
    assert (summary["status"], summary["product"], summary["plan"]) == ("active", "safe-pro", "core")
    assert summary["expires_at"] == expires
    assert summary["seats"] == 15 + 3 * 5 + 2
    assert summary["server_seats"] == 1 + 1


def test_the_seats_alone_are_what_the_running_ones_give():
    assert seats_of([Seats(2, 5, 0), Seats(1, 1, 1)]) == {"seats": 11, "server_seats": 1}
    assert seats_of([]) == {"seats": 0, "server_seats": 0}


def test_an_account_whose_latest_subscription_ended_has_no_seats():
    summary = summarize(Latest("expired", "safe", "basic", dt.datetime(2025, 1, 1, tzinfo=UTC)), [])
    assert (summary["status"], summary["seats"], summary["server_seats"]) == ("expired", 0, 0)


def test_the_shipped_catalog_is_valid_and_as_the_contract_names_it():
    catalog = catalog_file.load()
    assert {p.id for p in catalog.products} == {"safe", "safe-pro", "safe-server"}
    pro = catalog.product("safe-pro")
    assert [plan.id for plan in pro.plans] == ["core", "power", "ultimate"]
    assert [plan.id for plan in pro.plans if plan.servers_included] == ["ultimate"]
    assert set(catalog.terms) == {1, 2, 3}
    assert catalog.addon("extra-computer").computers_included == 1


def _shipped():
    return json.loads(catalog_file.DEFAULT_CATALOG.read_text())


@pytest.mark.parametrize(
    "spoil",
    [
        lambda c: c["products"][0]["plans"][0].update(annual_price_cents=71.99),
        lambda c: c["products"][0]["plans"][0].update(annual_price_cents=-1),
        lambda c: c["terms"].append({"years": 1, "discount_percent": 5}),
        lambda c: c["terms"][1].update(discount_percent=100),
        lambda c: c["products"].append(dict(c["products"][0])),
        lambda c: c.update(currency="dollars"),
        lambda c: c.pop("trial_days"),
        lambda c: c["products"][1]["plans"].append(dict(c["products"][1]["plans"][0])),
    ],
)
def test_a_bad_catalog_file_is_refused(spoil):
    document = _shipped()
    spoil(document)
    with pytest.raises(ValidationError):
        catalog_file.parse(document)


def test_an_operator_catalog_file_is_read(tmp_path):
    document = _shipped()
    document["trial_days"] = 14
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(document))
    assert catalog_file.load(path).trial_days == 14
