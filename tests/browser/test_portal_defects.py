"""The defects a walk through the portal found (issue 17), each as a person meets it in Chromium:
a trial upgraded from the inventory, errors that name no field, seats without a subscription, a
trial turned into a paid one, the browser among its trusted devices, the primary contact, the tabs
on a phone and the focus ring."""

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.browser.data import new_account, start_trial, stock
from tests.flows import PASSWORD, create_employee, enable_two_factor, next_code, sign_in_with_code, sign_up


def test_a_trial_upgraded_from_the_inventory_applies_the_chosen_subscription_and_says_what_it_gives(system, portal):
    owner = sign_up(system)
    account = new_account(owner)
    trial = start_trial(owner, account, "safe-pro", "power")
    ids = stock(owner, ("safe-pro", "core", 1), ("safe-pro", "power", 1))
    portal.sign_in_as(owner.token)
    portal.open(f"/accounts/{account['id']}")
    portal.page("account")

    # Each inventory subscription by its plan and the computers it gives (not "1 seat(s)"), and the
    # one of the trial's own plan chosen: no cheaper plan slipped in without a word.
    form = portal.form("Upgrade the trial")
    picker = Select(portal.one('select[name="subscription_id"]', form))
    labels = {option.get_attribute("value"): option.text for option in picker.options}
    assert labels == {
        ids["power"]: "Safe Pro Power · 1 year · 10 computers",
        ids["core"]: "Safe Pro Core · 1 year · 5 computers",
    }, labels
    assert picker.first_selected_option.get_attribute("value") == ids["power"]
    assert not portal.one("[data-plan-warning]", form).is_displayed()
    # Choosing another plan says so before anything happens.
    picker.select_by_value(ids["core"])
    warning = portal.shown("[data-plan-warning]", "not the trial's Safe Pro Power", within=form)
    assert "Safe Pro Core" in warning.text and "moves down" in warning.text
    picker.select_by_value(ids["power"])
    portal.gone("[data-plan-warning]")

    # From inventory (the radio ticked, not "Buy now"): the Power subscription now runs on the account.
    portal.submit("Upgrade the trial", how="inventory", subscription_id=ids["power"])
    portal.shown('tr[data-status="active"]', "Safe Pro Power")
    applied = owner.client.get(f"/v1/subscriptions/{ids['power']}").json()
    assert (applied["status"], applied["account_id"]) == ("active", account["id"])
    assert owner.client.get(f"/v1/subscriptions/{ids['core']}").json()["status"] == "available"
    assert not portal.all(".form-error p")

    # The trial it replaced: converted, told plainly, not a red "Expired".
    row = portal.shown(f'tr[data-subscription="{trial["id"]}"]')
    assert row.get_attribute("data-status") == "converted"
    badge = portal.one(".badge", row)
    assert badge.text == "Converted to paid" and "bad" not in badge.get_attribute("class").split()
    assert "Expired" not in row.text
    assert portal.console_problems() == []


def test_an_error_shows_once_where_it_belongs_and_a_field_error_raises_no_banner(system, portal):
    owner = sign_up(system)
    account = new_account(owner, "Full House")
    start_trial(owner, account, "safe", "basic")  # one seat
    taken = owner.client.post(
        f"/v1/accounts/{account['id']}/computers", json={"name": "FIRST-PC", "kind": "workstation"}
    )
    assert taken.status_code == 201, taken.text
    portal.sign_in_as(owner.token)
    portal.open(f"/accounts/{account['id']}")
    portal.page("account")
    assert "1 of 1 seat taken" in portal.one("[data-seats]").text

    # No free seat: a conflict whose details are numbers, not messages. Its message at the name,
    # never "[object HTMLParagraphElement]" nor "seats: 1" in a banner.
    portal.press("Add a computer")
    portal.submit("Add a computer", name="SECOND-PC", kind="workstation")
    assert "All 1 seat of the account's subscriptions are taken" in portal.error_for("Add a computer", "name")
    form = portal.form("Add a computer")
    assert portal.one(".form-error", form).text == ""
    assert portal.one('[name="name"]', form).get_attribute("aria-invalid") == "true"
    assert "[object" not in portal.one("main").text

    # A field's own error: at the field only, no second copy above the form.
    portal.go("/accounts")
    portal.page("accounts")
    portal.press("New account")
    portal.submit("New customer account", name="Fabrikam", contact_email="not-an-email")
    assert portal.error_for("New customer account", "contact_email")
    assert portal.one('form[aria-label="New customer account"] .form-error').text == ""
    assert not portal.one('form[aria-label="New customer account"] .form-error').is_displayed()
    assert portal.console_problems() == []


def test_an_account_without_a_subscription_is_told_to_start_one_not_that_0_seats_are_taken(system, portal):
    owner = sign_up(system)
    account = new_account(owner, "Empty Shelf")
    portal.sign_in_as(owner.token)
    portal.open(f"/accounts/{account['id']}")
    portal.page("account")
    notice = portal.shown("[data-no-subscription]")
    assert "Start a trial or buy a subscription" in notice.text
    assert not portal.all('form[aria-label="Add a computer"]'), "no form that can only be refused"
    assert "0 seats" not in portal.one("main").text
    # With a trial, the form is there, and says how many seats are taken.
    portal.submit("Start a trial", product="safe", plan="basic")
    portal.shown("[data-seats]", "0 of 1 seat taken")
    portal.form("Add a computer")
    assert not portal.all("[data-no-subscription]")


def test_the_same_computer_name_twice_in_one_account_is_refused_at_the_name(system, portal):
    owner = sign_up(system)
    account = new_account(owner, "Twins Ltd")
    start_trial(owner, account, "safe-pro", "core")
    assert (
        owner.client.post(
            f"/v1/accounts/{account['id']}/computers", json={"name": "RECEPTION-PC", "kind": "workstation"}
        ).status_code
        == 201
    )
    portal.sign_in_as(owner.token)
    portal.open(f"/accounts/{account['id']}")
    portal.page("account")
    portal.press("Add a computer")
    portal.submit("Add a computer", name="reception-pc ", kind="workstation")
    message = portal.error_for("Add a computer", "name")
    assert message and "[object" not in message
    assert portal.one('form[aria-label="Add a computer"] .form-error').text == ""
    assert not portal.all("[data-agent-key]")
    computers = owner.client.get(f"/v1/accounts/{account['id']}").json()["computers"]
    assert [c["name"] for c in computers] == ["RECEPTION-PC"]


def test_this_browser_is_marked_among_trusted_devices_and_revoking_one_asks_first(system, clock, portal):
    owner = sign_up(system)
    enable_two_factor(owner, clock)
    # Another device trusted elsewhere (over HTTP), then this browser, signing in with a code.
    assert sign_in_with_code(owner, clock, remember_device=True)["device_token"]
    portal.forget_session()
    portal.open("/signin")
    portal.page("signin")
    portal.submit("Sign in", email=owner.email, password=PASSWORD)
    portal.submit("Two-step verification", code=next_code(clock, owner.secret), remember_device=True)
    portal.page("accounts")
    portal.go("/security")
    portal.page("security")

    rows = portal.wait(
        lambda d: len(portal.all("tr[data-device]")) == 2 and portal.all("tr[data-device]"), "two devices"
    )
    mine = [row for row in rows if row.get_attribute("data-this-browser") == "true"]
    assert len(mine) == 1 and "This browser" in mine[0].text
    other = next(row for row in rows if row.get_attribute("data-this-browser") != "true")
    assert "This browser" not in other.text
    other_id = other.get_attribute("data-device")

    # Revoke asks first: Cancel keeps the device.
    portal.press("Revoke", other)
    dialog = portal.shown("dialog[open]")
    assert "authenticator" in dialog.text
    portal.press("Cancel", dialog)
    portal.gone("dialog[open]")
    assert len(owner.client.get("/v1/me/devices").json()["items"]) == 2
    # ... and confirmed, it goes; this browser stays, still marked.
    portal.press("Revoke", portal.one(f'tr[data-device="{other_id}"]'))
    portal.press("Revoke", portal.shown("dialog[open]"))
    portal.wait(lambda d: len(portal.all("tr[data-device]")) == 1, "the device revoked")
    assert portal.one("tr[data-device]").get_attribute("data-this-browser") == "true"
    assert [d["id"] for d in owner.client.get("/v1/me/devices").json()["items"]] != [other_id]
    assert len(owner.client.get("/v1/me/devices").json()["items"]) == 1


def test_the_primary_contact_is_not_offered_deactivation(system, portal):
    owner = sign_up(system)
    contact = create_employee(owner, "admin", name="Pat Contact", sign_in_now=False)
    other = create_employee(owner, "support", name="Sam Support", sign_in_now=False)
    assert owner.client.patch("/v1/company", json={"primary_contact_id": contact.id}).status_code == 200
    portal.sign_in_as(owner.token)
    portal.open("/company")
    portal.page("company")
    primary = portal.shown(f'tr[data-employee="{contact.id}"]')
    assert "Primary contact" in primary.text
    assert not [b for b in portal.all("button", primary) if b.text in ("Deactivate", "Remove")]
    assert "Make someone else the primary contact" in portal.one("[data-primary-contact-note]", primary).text
    colleague = portal.one(f'tr[data-employee="{other.id}"]')
    assert [b.text for b in portal.all("button", colleague)] == ["Deactivate", "Remove"]


def test_every_tab_is_in_sight_on_a_phone(system, portal):
    owner = sign_up(system)
    portal.driver.set_window_size(390, 844)
    try:
        portal.sign_in_as(owner.token)
        portal.open("/accounts")
        portal.page("accounts")
        tabs = [tab for tab in portal.all("nav.tabs a") if tab.is_displayed()]
        assert [tab.text for tab in tabs] == [
            "Accounts",
            "Subscriptions",
            "Purchase",
            "Monitoring",
            "Activity",
            "Company",
            "Notifications",
            "My security",
        ]
        cut = portal.driver.execute_script("""
            return [...document.querySelectorAll('nav.tabs a')].filter((a) => !a.hidden).filter((a) => {
              const r = a.getBoundingClientRect();
              return r.left < 0 || r.right > window.innerWidth || r.width === 0; }).map((a) => a.textContent);""")
        assert cut == []
        assert portal.overflows() == 0
    finally:
        portal.driver.set_window_size(1280, 900)


def luminance(rgb):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rgba(text):
    """ "rgb(30, 58, 138)" or "rgba(29, 78, 216, 0.35)" -> its numbers."""
    return [float(x) for x in text[text.index("(") + 1 : -1].split(",")]


def ring(portal):
    """The focused element's outline: (width in px, style, its colour over the page behind it)."""
    width, style, color, behind = portal.driver.execute_script("""
        const el = document.activeElement;
        const s = getComputedStyle(el);
        let node = el.parentElement, bg = 'rgba(0, 0, 0, 0)';
        while (node && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
          bg = getComputedStyle(node).backgroundColor; node = node.parentElement; }
        return [s.outlineWidth, s.outlineStyle, s.outlineColor, bg];""")
    color, behind = rgba(color), rgba(behind)
    alpha = color[3] if len(color) == 4 else 1
    seen = [alpha * c + (1 - alpha) * b for c, b in zip(color[:3], behind[:3], strict=True)]
    return float(width.replace("px", "")), style, contrast(seen, behind[:3])


def test_the_focus_ring_stands_out_from_what_is_behind_it(system, portal):
    owner = sign_up(system)
    portal.sign_in_as(owner.token)
    portal.open("/accounts")
    portal.page("accounts")
    # By keyboard, as a person moving through the page does (the ring is :focus-visible's): a tab of
    # the dark header, then a button and a field of the page.
    for stop in ("nav.tabs a", "main .page-actions button", "main input[type=search]"):
        for _ in range(40):
            ActionChains(portal.driver).send_keys(Keys.TAB).perform()
            if portal.driver.execute_script("return document.activeElement.matches(arguments[0])", stop):
                break
        else:
            raise AssertionError(f"Tab never reached {stop}")
        width, style, ratio = ring(portal)
        assert style == "solid" and width >= 2, (stop, width, style)
        assert ratio >= 3, (stop, ratio)
