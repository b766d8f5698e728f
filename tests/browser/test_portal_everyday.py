"""The partner's everyday tools of issue 17 in Chromium: the Activity page (the audit log), lists
downloaded as CSV, the renewals view, and the company's policy that every employee signs in with a
second factor, with the set-up it walks an employee through."""

import csv
import datetime as dt
import io
import re

from tests.browser.data import add_computer, new_account, order, start_trial
from tests.flows import PASSWORD, create_employee, enable_two_factor, next_code, sign_up

DATED = r"\d{4}-\d{2}-\d{2}"


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_the_activity_page_lists_what_happened_filters_it_and_downloads_it(system, clock, portal, tmp_path):
    owner = sign_up(system, company_name="Audited Ltd")
    colleague = create_employee(owner, "admin", name="Ada Admin")
    new_account(owner, "Tailspin Toys")
    wide_world = new_account(colleague, "Wide World Importers")
    assert owner.client.patch("/v1/monitoring/settings", json={"not_backing_up_after_hours": 48}).status_code == 200
    support = create_employee(owner, "support", name="Sue Support")

    portal.sign_in_as(owner.token)
    portal.open("/accounts")
    portal.page("accounts")
    assert portal.one('nav.tabs [data-tab="activity"]').is_displayed()
    portal.press("Activity")
    portal.page("activity")

    def listed(kind):
        return [row for row in portal.all("tr[data-event]") if row.get_attribute("data-type") == kind]

    def again():  # the page drawn anew (an entry shows within 2 seconds)
        again.n = getattr(again, "n", 0) + 1
        portal.go(f"/activity?again={again.n}")
        portal.page("activity")

    portal.eventually(
        lambda: len(listed("account.created")) == 2 and listed("monitoring.settings_changed"),
        "the changes in the log",
        every=again,
    )
    # Newest first, each with who, what and to what.
    kinds = [row.get_attribute("data-type") for row in portal.all("tr[data-event]")]
    assert kinds.index("monitoring.settings_changed") < kinds.index("account.created")
    [wwi] = [row for row in listed("account.created") if "Wide World Importers" in row.text]
    assert "Account created" in wwi.text and "Ada Admin" in wwi.text
    assert portal.one("a", wwi).get_attribute("href").endswith(f"#/accounts/{wide_world['id']}")
    portal.screenshot("activity")

    # Filtered by what and by whom.
    portal.fill("Filter activity", type="account.created")
    portal.wait(
        lambda d: {r.get_attribute("data-type") for r in portal.all("tr[data-event]")} == {"account.created"},
        "account.created alone",
    )
    assert len(portal.all("tr[data-event]")) == 2
    portal.fill("Filter activity", actor_id=colleague.id)
    portal.wait(lambda d: len(portal.all("tr[data-event]")) == 1, "Ada's account alone")
    assert "Wide World Importers" in portal.one("tr[data-event]").text
    # The CSV holds what the page shows: the same filters.
    folder = portal.downloads_to(tmp_path / "activity")
    portal.press("Download CSV")
    name, text = portal.downloaded(folder, "*.csv")
    assert re.fullmatch(f"audit-events-{DATED}.csv", name), name
    [entry] = rows_of(text)
    assert entry["type"] == "account.created" and entry["actor.email"] == colleague.email
    assert entry["target.name"] == "Wide World Importers"
    # From tomorrow on (in the company's zone, UTC here), nothing yet.
    tomorrow = (clock.now() + dt.timedelta(days=1)).strftime("%m%d%Y")
    portal.fill("Filter activity", since=tomorrow)
    portal.shown(".empty", "Nothing recorded matches")

    # Not for support: no tab, and the page says why.
    portal.sign_in_as(support.token)
    portal.open("/activity")
    portal.page("activity")
    assert not portal.one('nav.tabs [data-tab="activity"]').is_displayed()
    assert "Only owners and admins" in portal.one("main").text
    assert not portal.all("tr[data-event]")
    assert portal.console_problems() == []


def test_lists_download_as_csv_with_the_filters_on_screen(system, portal, tmp_path):
    owner = sign_up(system)
    for name in ("=HYPERLINK Dental", "Northwind Clinic", "Northwind Legal"):
        new_account(owner, name)
    busy = new_account(owner, "Contoso Ltd")
    start_trial(owner, busy, "safe-pro", "core")
    for name in ("RECEPTION-PC", "LAB-PC"):
        add_computer(owner, busy, name)
    order(owner, ("safe", "plus", 2), ("safe", "basic", 1))

    portal.sign_in_as(owner.token)
    portal.open("/accounts")
    portal.page("accounts")
    portal.fill("Filter accounts", q="northwind")
    portal.wait(lambda d: len(portal.all("tr[data-account]")) == 2, "the two Northwind accounts")
    folder = portal.downloads_to(tmp_path / "accounts")
    portal.press("Download CSV")
    name, text = portal.downloaded(folder, "*.csv")
    assert re.fullmatch(f"accounts-{DATED}.csv", name), name
    assert sorted(row["name"] for row in rows_of(text)) == ["Northwind Clinic", "Northwind Legal"]
    portal.shown(".toast", f"{name} downloaded")

    portal.go("/monitoring")
    portal.page("monitoring")
    folder = portal.downloads_to(tmp_path / "computers")
    portal.press("Download CSV")
    name, text = portal.downloaded(folder, "*.csv")
    assert re.fullmatch(f"computers-{DATED}.csv", name), name
    assert sorted(row["name"] for row in rows_of(text)) == ["LAB-PC", "RECEPTION-PC"]

    portal.go("/subscriptions")
    portal.page("subscriptions")
    portal.fill("Filter subscriptions", status="available")
    portal.wait(lambda d: len(portal.all("tr[data-subscription]")) == 2, "the inventory alone")
    folder = portal.downloads_to(tmp_path / "subscriptions")
    portal.press("Download CSV")
    name, text = portal.downloaded(folder, "*.csv")
    assert re.fullmatch(f"subscriptions-{DATED}.csv", name), name
    assert sorted((row["plan"], row["status"]) for row in rows_of(text)) == [
        ("basic", "available"),
        ("plus", "available"),
    ]
    assert portal.console_problems() == []


def bought_days_ago(clock, owner, account, days, plan="plus"):
    """A year of `plan` bought `days` ago, so that it expires 365 − days from now."""
    clock.set(clock.now() - dt.timedelta(days=days))
    try:
        [line] = order(owner, ("safe", plan, 1), account=account)["lines"]
    finally:
        clock.set(clock.now() + dt.timedelta(days=days))
    return line["subscription_id"]


def test_renewals_show_what_expires_soonest_first_and_switch_auto_renew_for_one_or_many(system, clock, portal):
    owner = sign_up(system)
    names = ["Alpine Ski House", "Blue Yonder", "Coho Winery", "Datum Corp"]
    accounts = {name: new_account(owner, name) for name in names}
    # Expiring in about 10, 45, 80 and 200 days.
    subs = {
        name: bought_days_ago(clock, owner, accounts[name], days)
        for name, days in zip(names, (355, 320, 285, 165), strict=True)
    }

    def renews(name):
        return owner.client.get(f"/v1/subscriptions/{subs[name]}").json()["auto_renew"]

    portal.sign_in_as(owner.token)
    portal.open("/subscriptions")
    portal.page("subscriptions")
    portal.press("Renewals")
    portal.page("renewals")

    def shown():
        return [row.find_element("css selector", "td:nth-child(2)").text for row in portal.all("tr[data-subscription]")]

    assert shown() == ["Alpine Ski House"]
    portal.fill("Filter renewals", days=60)
    portal.wait(lambda d: shown() == ["Alpine Ski House", "Blue Yonder"], "60 days")
    portal.fill("Filter renewals", days=90)
    portal.wait(lambda d: shown() == ["Alpine Ski House", "Blue Yonder", "Coho Winery"], "90 days, soonest first")
    assert re.search(r"in 1[01] days", portal.one(f'tr[data-subscription="{subs["Alpine Ski House"]}"]').text)

    # One row's switch.
    switch = portal.one(f'input[data-auto-renew="{subs["Blue Yonder"]}"]')
    assert switch.is_selected() and renews("Blue Yonder")
    switch.click()
    portal.eventually(lambda: not renews("Blue Yonder"), "Blue Yonder's auto-renew off")
    assert not switch.is_selected()

    # All shown at once: off.
    assert not portal.one('[data-action="renew-off"]').is_enabled(), "nothing selected yet"
    portal.one("[data-select-all]").click()
    assert portal.one("[data-selected-count]").text == "3 selected"
    portal.press("Turn auto-renew off for selected")
    portal.shown(".toast", "Auto-renew off for 2 subscriptions")
    portal.wait(
        lambda d: all(r.get_attribute("data-auto-renew-state") == "off" for r in portal.all("tr[data-subscription]")),
        "the list drawn again",
    )
    assert [renews(name) for name in names] == [False, False, False, True]
    # Two chosen by hand: on again.
    for name in ("Alpine Ski House", "Coho Winery"):
        portal.one(f'input[data-select="{subs[name]}"]').click()
    assert portal.one("[data-selected-count]").text == "2 selected"
    portal.press("Turn auto-renew on for selected")
    portal.shown(".toast", "Auto-renew on for 2 subscriptions")
    portal.eventually(lambda: [renews(name) for name in names] == [True, False, True, True], "two renewing again")
    # Those that will expire.
    portal.fill("Filter renewals", auto_renew="false")
    portal.wait(lambda d: shown() == ["Blue Yonder"], "the one left to expire")
    portal.fill("Filter renewals", auto_renew="")
    portal.wait(lambda d: len(shown()) == 3, "all three again")
    portal.screenshot("renewals")
    assert portal.console_problems() == []


def test_a_company_that_requires_two_step_verification_walks_an_employee_through_it(system, clock, portal):
    owner = sign_up(system, company_name="Fort Knox IT")
    enable_two_factor(owner, clock)
    eve = create_employee(owner, "support", name="Eve Support", sign_in_now=False)
    portal.sign_in_as(owner.token)
    portal.open("/company")
    portal.page("company")
    policy = portal.shown("[data-security-policy]")
    switch = portal.one("[data-require-two-factor]", policy)
    assert (
        not switch.is_selected()
        and portal.one("[data-policy-state]", policy).get_attribute("data-policy-state") == "off"
    )

    # Switched on, after a question naming who has no second factor yet; Cancel changes nothing.
    switch.click()
    dialog = portal.shown("dialog[open]")
    assert "Eve Support" in dialog.text
    portal.press("Cancel", dialog)
    portal.gone("dialog[open]")
    assert not switch.is_selected()
    assert owner.client.get("/v1/company").json()["require_two_factor"] is False
    switch.click()
    portal.press("Require it", portal.shown("dialog[open]"))
    portal.wait(lambda d: portal.one("[data-policy-state]").get_attribute("data-policy-state") == "on", "the policy on")
    assert "1 employee has no second factor" in portal.one("[data-policy-state]").text
    assert owner.client.get("/v1/company").json()["require_two_factor"] is True
    portal.screenshot("security-policy")

    # Eve signs in: only the set-up opens, whatever she asks for.
    portal.forget_session()
    portal.open("/signin")
    portal.page("signin")
    portal.submit("Sign in", email=eve.email, password=PASSWORD)
    portal.page("two-factor-required")
    assert not portal.one("#topbar").is_displayed()
    assert "requires two-step verification" in portal.one("main").text
    portal.go("/accounts")
    portal.page("two-factor-required")
    portal.press("Set up two-step verification")
    secret = portal.shown("[data-secret] [data-copy-value]").text.strip()
    portal.shown("img[data-qr]")
    portal.screenshot("two-factor-required")
    portal.submit("Confirm two-step verification", code="000000")
    assert portal.error_for("Confirm two-step verification", "code")
    portal.submit("Confirm two-step verification", code=next_code(clock, secret))
    codes = portal.shown("[data-recovery-codes]")
    assert len(portal.all(".recovery-codes li", codes)) == 10
    portal.press("Continue to the portal")

    # Then the portal as usual, on the same session.
    portal.page("accounts")
    assert portal.one("#topbar").is_displayed() and portal.one("#whoami-name").text == "Eve Support"
    me = system.client(portal.token()).get("/v1/me").json()
    assert me["two_factor_enabled"] is True
    assert system.client(portal.token()).get("/v1/accounts").status_code == 200
    assert portal.console_problems() == []
