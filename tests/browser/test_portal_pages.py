"""Pages issue 17 adds that need nothing new of the API: a computer's backup history (reached from
every computer row), the order's review before money is spent, and lists that sort by a click on a
column and load more where the API pages."""

import datetime as dt

from tests.browser.data import add_computer, new_account, order, send_report, start_trial
from tests.flows import create_employee, sign_up

GB = 1_000_000_000


def header(portal, label, within=None):
    """The column header of `label` (it holds aria-sort)."""
    return portal.one(f'button[data-sort="{label}"]', within).find_element("xpath", "..")


def sort_by(portal, label, within=None):
    portal.wait(lambda d: portal.one(f'button[data-sort="{label}"]', within), f"a {label} column").click()


def names_in(portal, css):
    """The name each row of `css` begins with (its first cell's link or bold text), in one look."""
    return portal.driver.execute_script(
        """
        return [...document.querySelectorAll(arguments[0])]
          .map((row) => row.querySelector('td:first-child :is(a, strong)').textContent.trim());""",
        css,
    )


def load_more(portal, rows, expected, within=None):
    """Press the list's "Load more" and wait for `expected` rows of `rows`; no more to load then."""
    portal.wait(lambda d: portal.one('[data-action="load-more"]', within), "Load more").click()
    portal.wait(
        lambda d: (
            portal.driver.execute_script("return document.querySelectorAll(arguments[0]).length", rows) == expected
        ),
        f"{expected} {rows}",
    )
    assert not portal.all('[data-action="load-more"]', within)


def count(portal, rows):
    return portal.driver.execute_script("return document.querySelectorAll(arguments[0]).length", rows)


def test_a_computer_page_shows_its_backups_and_says_plainly_when_none_ever_succeeded(system, clock, portal):
    owner = sign_up(system)
    account = new_account(owner, "Adatum Clinic")
    start_trial(owner, account, "safe-pro", "ultimate")
    failing = add_computer(owner, account, "FRONT-DESK")
    server = add_computer(owner, account, "ADATUM-SRV", kind="server")
    now = clock.now()
    for hours in (30, 20, 10):
        send_report(
            system,
            failing,
            now - dt.timedelta(hours=hours),
            status="failed",
            error="VSS snapshot failed: the shadow copy storage is full",
        )
    sizes = [41.2, 41.9, 42.4, 43.0, 43.1, 43.8, 44.5]
    for day, size in enumerate(sizes):
        send_report(system, server, now - dt.timedelta(days=len(sizes) - day, hours=-2), backed_up=int(size * GB))
    send_report(
        system,
        server,
        now - dt.timedelta(hours=2),
        status="partial",
        backed_up=int(12.5 * GB),
        selected=int(45 * GB),
        error="3 files were locked by another process",
    )

    # On the account page, the computer whose every backup failed is not a quiet "New".
    portal.sign_in_as(owner.token)
    portal.open(f"/accounts/{account['id']}")
    portal.page("account")
    row = portal.shown(f'tr[data-computer="{failing["id"]}"]')
    badge = portal.one("[data-status]", row)
    assert badge.get_attribute("data-status") == "failing" and badge.text == "No successful backup"

    # Its page, from the row's link: said at the top, with the error, each report and its error text.
    portal.press("FRONT-DESK", row)
    portal.page("computer")
    assert portal.one("h1").text == "FRONT-DESK"
    verdict = portal.shown('[data-verdict="never-succeeded"]')
    assert "No backup of FRONT-DESK has succeeded yet" in verdict.text and "All 3" in verdict.text
    assert "shadow copy storage is full" in verdict.text
    reports = portal.all("tr[data-report]")
    assert len(reports) == 3 and all(r.get_attribute("data-status") == "failed" for r in reports)
    assert all("VSS snapshot failed" in r.text for r in reports)
    assert len(portal.all('.time-chart [data-point="bad"]')) == 3
    portal.press("← Adatum Clinic")
    portal.page("account")

    # From Monitoring's list of every computer: the server's history, charted oldest to newest.
    portal.go("/monitoring")
    portal.page("monitoring")
    link = portal.shown(f'[data-list="All computers"] tr[data-computer="{server["id"]}"] a.strong-link')
    assert link.text == "ADATUM-SRV"
    link.click()
    portal.page("computer")
    assert portal.one("h1").text == "ADATUM-SRV"
    assert not portal.all("[data-verdict]")
    rows = portal.all("tr[data-report]")
    assert len(rows) == len(sizes) + 1
    assert rows[0].get_attribute("data-status") == "partial" and "3 files were locked" in rows[0].text
    assert "12.5 GB" in rows[0].text and "of 45 GB" in rows[0].text
    points = portal.all(".time-chart [data-point]")
    assert [p.get_attribute("data-point") for p in points] == ["ok"] * len(sizes) + ["warn"]
    heights = [float(portal.one("rect", p).get_attribute("height")) for p in points[: len(sizes)]]
    assert heights == sorted(heights) and heights[0] < heights[-1]  # the sizes grow, and so do the columns
    portal.screenshot("computer")
    # Sorted by the data each backed up, the partial one comes first.
    sort_by(portal, "Backed up")
    assert header(portal, "Backed up").get_attribute("aria-sort") == "ascending"
    assert portal.one("tr[data-report]").get_attribute("data-status") == "partial"
    assert portal.console_problems() == []


def test_the_order_is_reviewed_before_it_is_placed(system, portal):
    owner = sign_up(system)
    account = new_account(owner, "Wingtip Toys")
    portal.sign_in_as(owner.token)
    portal.open("/purchase")
    portal.page("purchase")
    portal.submit(
        "Add a line to the order", product="safe-pro", plan="power", term_years=2, quantity=3, account_id=account["id"]
    )
    portal.submit("Add a line to the order", product="safe", plan="basic", term_years=1, quantity=1, account_id="")
    assert not portal.all('[data-action="place-order"]'), "no placing before the review"

    portal.press("Review order")
    review = portal.form("Place the order")
    lines = portal.all("tr[data-review-line]", review)
    assert len(lines) == 2
    # Safe Pro Power: $599.99 × 2 years − 10% = $1,079.98 a unit; three of them; Safe Basic $71.99.
    assert "Safe Pro Power" in lines[0].text and "Wingtip Toys (starts now)" in lines[0].text
    assert "$1,079.98" in lines[0].text and "$3,239.94" in lines[0].text
    assert "Safe Basic" in lines[1].text and "Inventory" in lines[1].text and "$71.99" in lines[1].text
    total = portal.one("[data-review-total]", review)
    assert int(total.get_attribute("data-review-total")) == 323994 + 7199 and total.text == "$3,311.93"
    assert portal.one('[data-action="place-order"]', review).text == "Place order — $3,311.93"
    assert not portal.one('form[aria-label="Add a line to the order"]').is_displayed()
    assert owner.client.get("/v1/orders").json()["items"] == [], "nothing is charged by a review"

    # Back to edit: the lines are kept; one removed, reviewed again, then placed.
    portal.press("Back to edit")
    portal.form("Add a line to the order")
    assert len(portal.all("tr[data-cart-line]")) == 2
    portal.press("Remove", portal.all("tr[data-cart-line]")[-1])
    portal.press("Review order")
    review = portal.form("Place the order")
    assert len(portal.all("tr[data-review-line]", review)) == 1
    assert portal.one("[data-review-total]", review).text == "$3,239.94"
    portal.press("Place order")
    portal.page("order")
    [placed] = owner.client.get("/v1/orders").json()["items"]
    assert placed["total_cents"] == 323994 and len(placed["lines"]) == 1


def test_lists_sort_by_a_column_and_load_more_where_the_api_pages(system, portal):
    owner = sign_up(system)
    # 52 accounts: a page of 50, then 2 more.
    names = [f"Customer {n:02d}" for n in range(1, 53)]
    accounts = [new_account(owner, name) for name in names]
    busy = accounts[7]
    order(owner, ("safe-pro", "ultimate", 4), account=busy)  # 60 seats
    for n in range(51):
        add_computer(owner, busy, f"PC-{n:02d}")
    order(owner, *[("safe", "basic", 1)] * 50)
    order(owner, ("safe", "plus", 1))
    for n in range(3):
        create_employee(owner, "viewer", name=f"Viewer {n}", sign_in_now=False)
    for n in range(48):  # invited (no password to hash): 52 employees in all
        answer = owner.client.post(
            "/v1/employees",
            json={"email": f"invitee.{n}.{owner.id}@example.com", "name": f"Invitee {n:02d}", "role": "viewer"},
        )
        assert answer.status_code == 201, answer.text

    portal.sign_in_as(owner.token)
    portal.open("/accounts")
    portal.page("accounts")
    assert count(portal, "tr[data-account]") == 50
    load_more(portal, "tr[data-account]", 52)
    # Sorted by name, then the other way round; aria-sort says which.
    sort_by(portal, "Account")
    assert header(portal, "Account").get_attribute("aria-sort") == "ascending"
    assert names_in(portal, "tr[data-account]") == sorted(names)
    sort_by(portal, "Account")
    assert header(portal, "Account").get_attribute("aria-sort") == "descending"
    assert names_in(portal, "tr[data-account]") == sorted(names, reverse=True)
    sort_by(portal, "Not backing up")
    assert header(portal, "Account").get_attribute("aria-sort") is None
    assert header(portal, "Not backing up").get_attribute("aria-sort") == "ascending"

    # Monitoring's every computer: 51, in pages.
    portal.go("/monitoring")
    portal.page("monitoring")
    every = portal.shown('[data-list="All computers"]')
    assert count(portal, '[data-list="All computers"] tr[data-computer]') == 50
    load_more(portal, '[data-list="All computers"] tr[data-computer]', 51, every)
    sort_by(portal, "Computer", every)
    sort_by(portal, "Computer", every)
    assert names_in(portal, '[data-list="All computers"] tr[data-computer]')[:2] == ["PC-50", "PC-49"]

    # Subscriptions: 51 in the inventory and one on the account.
    portal.go("/subscriptions")
    portal.page("subscriptions")
    assert count(portal, "tr[data-subscription]") == 50
    load_more(portal, "tr[data-subscription]", 52)
    sort_by(portal, "Seats")
    sort_by(portal, "Seats")
    first = portal.one("tr[data-subscription]")
    assert "Safe Pro Ultimate" in first.text and "60" in first.text and "Customer 08" in first.text

    # Employees: 52, in pages, sorted by name (the owner is "Olive Owner").
    portal.go("/company")
    portal.page("company")
    assert count(portal, "tr[data-employee]") == 50
    load_more(portal, "tr[data-employee]", 52)
    sort_by(portal, "Name")
    everyone = ["Olive Owner", "Viewer 0", "Viewer 1", "Viewer 2"] + [f"Invitee {n:02d}" for n in range(48)]
    assert names_in(portal, "tr[data-employee]") == sorted(everyone)
    sort_by(portal, "Name")
    assert names_in(portal, "tr[data-employee]") == sorted(everyone, reverse=True)
    assert portal.console_problems() == []
