"""The web portal in a real headless Chromium: a partner's first day, from sign-up to the computer
that stopped backing up, through the pages only (the backup agent alone speaks HTTP directly).

With PORTAL_SCREENSHOTS=1 the run also saves the main pages to docs/screenshots/.
"""

import datetime as dt
import io
import uuid

import pytest
from PIL import Image

from tests.browser.data import send_report
from tests.flows import PASSWORD, next_code, sign_up, unique_email

UTC = dt.timezone.utc


def iso(when):
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def report(system, agent_key, finished, backed_up):
    """What a backup agent sends after a backup: over HTTP with its key, no browser involved."""
    body = {
        "started_at": iso(finished - dt.timedelta(minutes=20)),
        "finished_at": iso(finished),
        "status": "success",
        "bytes_selected": backed_up * 2,
        "bytes_backed_up": backed_up,
        "files": 1200,
    }
    return system.client().post("/v1/agent/reports", json=body, headers={"Authorization": f"Agent {agent_key}"})


def logo_png(path):
    image = Image.new("RGB", (160, 48), (29, 78, 216))
    for x in range(12, 44):
        for y in range(10, 38):
            image.putpixel((x, y), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_partner_from_sign_up_to_a_computer_not_backing_up(system, clock, portal, tmp_path):
    email = unique_email("web")
    company = f"Northwind IT {uuid.uuid4().hex[:4]}"

    # Sign up: the new owner lands on My security, signed in.
    portal.open("/signup")
    portal.page("signup")
    portal.submit("Sign up", company_name=company, name="Nora Owner", email=email, password=PASSWORD)
    portal.page("security")
    assert portal.one("#brand-name").text == company
    assert portal.token()

    # Two-step verification: the QR code on screen (an image the policy lets through), the secret
    # to type by hand, a code from it, and the recovery codes shown once.
    portal.press("Set up two-step verification")
    qr = portal.shown("img[data-qr]")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    portal.wait(
        lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", qr),
        "the QR code to render",
    )
    secret = portal.shown("[data-secret] [data-copy-value]").text.strip()
    portal.screenshot("security")
    portal.submit("Confirm two-step verification", code=next_code(clock, secret))
    codes = [li.text for li in portal.all("[data-recovery-codes] .recovery-codes li")]
    portal.shown("[data-recovery-codes]")
    codes = [li.text.strip() for li in portal.all("[data-recovery-codes] .recovery-codes li")]
    assert len(codes) == 10 and len(set(codes)) == 10 and all(codes)
    portal.press("I have saved them")
    portal.shown(".card", "Status: On")
    assert not portal.all("[data-recovery-codes]"), "recovery codes are shown once"

    # Sign out, and in again with a code from the app, trusting this device.
    portal.press("Sign out")
    portal.page("signin")
    assert portal.token() is None
    portal.screenshot("sign-in")
    portal.submit("Sign in", email=email, password=PASSWORD)
    portal.form("Two-step verification")
    portal.fill("Two-step verification", code="000000")
    portal.one('form[aria-label="Two-step verification"] button[type="submit"]').click()
    assert "wrong" in portal.error_for("Two-step verification", "code").lower()
    portal.submit("Two-step verification", code=next_code(clock, secret), remember_device=True)
    portal.page("accounts")
    assert portal.token()

    # The trusted device is listed on My security.
    portal.go("/security")
    portal.page("security")
    portal.shown(".card table button", "Revoke")

    # A new customer account, and its page.
    portal.go("/accounts")
    portal.page("accounts")
    portal.press("New account")
    portal.submit("New customer account", name="Contoso Dental", contact_email="it@contoso-dental.example")
    portal.page("account")
    assert portal.one("h1").text == "Contoso Dental"
    account_id = portal.driver.execute_script("return location.hash").rsplit("/", 1)[1]

    # A trial of Safe Pro Core.
    portal.fill("Start a trial", product="safe-pro")
    portal.submit("Start a trial", plan="core")
    portal.shown('tr[data-status="trial"]', "Safe Pro Core")

    # A computer: its agent key shown once, with a copy button.
    portal.submit("Add a computer", name="RECEPTION-PC", kind="workstation")
    panel = portal.shown("[data-agent-key]", "RECEPTION-PC")
    agent_key = portal.one("[data-copy-value]", panel).text.strip()
    assert agent_key and portal.one("button", panel).text == "Copy"
    portal.shown("tr[data-computer]", "RECEPTION-PC")
    assert agent_key not in portal.one("tbody", portal.shown(".card", "Computers")).text

    # The agent reports a successful backup.
    assert report(system, agent_key, clock.now(), backed_up=7_340_032_000).status_code == 202

    # Upgrade the trial by buying a year of it.
    portal.submit("Upgrade the trial", how="buy", plan="core", term_years=1)
    portal.shown('tr[data-status="active"]', "Safe Pro Core")
    assert not portal.all('tr[data-status="trial"]')
    assert portal.all("[data-agent-key]"), "the key stays on screen until dismissed"
    portal.press("Done", portal.one("[data-agent-key]"))
    portal.gone("[data-agent-key]")

    # Upgrade the plan: the pro-rated quote first, the same amount the API quotes, then confirm.
    api = system.client(portal.token())
    subscription = next(
        s for s in api.get(f"/v1/accounts/{account_id}").json()["subscriptions"] if s["status"] == "active"
    )
    expected = api.get(f"/v1/subscriptions/{subscription['id']}/upgrade-quote", params={"plan": "power"}).json()
    portal.press("Upgrade Safe Pro Core")
    portal.submit("Upgrade the plan", plan="power")
    quote = portal.shown("[data-quote]")
    assert int(portal.one("[data-amount-cents]", quote).get_attribute("data-amount-cents")) == expected["amount_cents"]
    assert f"{expected['remaining_days']} of {expected['term_days']} days" in quote.text
    confirm = portal.shown('[data-action="confirm-upgrade"]')
    assert confirm.text.startswith("Confirm upgrade — $")
    confirm.click()
    portal.shown('tr[data-status="active"]', "Safe Pro Power")
    assert api.get(f"/v1/subscriptions/{subscription['id']}").json()["plan"] == "power"
    portal.screenshot("account")

    # Two more customers (over HTTP, to keep the run short): one resold, one on a trial whose server
    # keeps backing up.
    assert (
        api.post(
            "/v1/accounts",
            json={"name": "Fabrikam Legal", "contact_email": "office@fabrikam.example", "administered": False},
        ).status_code
        == 201
    )
    adatum = api.post("/v1/accounts", json={"name": "Adatum Clinic", "contact_email": "admin@adatum.example"}).json()
    assert (
        api.post(f"/v1/accounts/{adatum['id']}/trials", json={"product": "safe-pro", "plan": "ultimate"}).status_code
        == 201
    )
    server = api.post(f"/v1/accounts/{adatum['id']}/computers", json={"name": "ADATUM-SRV", "kind": "server"}).json()
    assert report(system, server["agent_key"], clock.now(), backed_up=2_150_000_000).status_code == 202

    # Monitoring: a 1-hour threshold, two hours pass, and the computer is not backing up.
    portal.go("/monitoring")
    portal.page("monitoring")
    assert "Every computer has backed up recently" in portal.one("[data-not-backing-up-list]").text
    portal.submit("Not backing up threshold", not_backing_up_after_hours=1)
    portal.shown(".subtitle", "within the last hour")
    clock.advance(hours=2)
    assert report(system, server["agent_key"], clock.now(), backed_up=2_150_000_000).status_code == 202

    def only_reception_pc():
        shown = portal.one("[data-not-backing-up-list]").text
        overview = portal.one("[data-overview] .stat-value").text
        return "RECEPTION-PC" in shown and "ADATUM-SRV" not in shown and overview == "1"

    portal.eventually(
        only_reception_pc, "the computer alone in the not-backing-up list", every=lambda: portal.press("Refresh")
    )
    row = portal.one("[data-not-backing-up-list] tr[data-computer]")
    assert "Contoso Dental" in row.text and "Not backing up" in row.text
    bar = portal.one(".bars .bar-row[data-value='7340032000']")
    assert "Contoso Dental" in bar.text and "7.3 GB" in bar.text
    portal.screenshot("monitoring")

    # The accounts list: Administrator, active, its plan, and the computer not backing up.
    def listed():
        portal.go("/monitoring")
        portal.go("/accounts")
        portal.page("accounts")
        return portal.one(f'tr[data-account="{account_id}"] [data-not-backing-up]')

    portal.eventually(listed, "the accounts list to count the computer not backing up", seconds=10)
    row = portal.one(f'tr[data-account="{account_id}"]').text
    for shown in ("Contoso Dental", "Administrator", "Active", "Safe Pro Power", "7.3 GB", "1 of 1"):
        assert shown in row, (shown, row)
    portal.screenshot("accounts")

    # Purchase: two 2-year Safe Plus subscriptions for the inventory; the confirmation shows the
    # order as the API placed it.
    portal.go("/purchase")
    portal.page("purchase")
    portal.submit("Add a line to the order", product="safe", plan="plus", term_years=2, quantity=2, account_id="")
    total = portal.shown("[data-total]").text
    portal.screenshot("purchase")
    portal.press("Review order")
    review = portal.form("Place the order")
    assert len(portal.all("tr[data-review-line]", review)) == 1
    assert portal.one("[data-review-total]", review).text == total
    portal.screenshot("order-review")
    portal.press("Place order")
    portal.page("order")
    order_id = portal.driver.execute_script("return location.hash").rsplit("/", 1)[1]
    order = api.get(f"/v1/orders/{order_id}").json()
    assert len(portal.all("tr[data-order-line]")) == len(order["lines"]) == 1
    assert int(portal.one("[data-total]").get_attribute("data-total")) == order["total_cents"]
    assert portal.one("[data-total]").text == total
    portal.screenshot("order")

    # Company: a logo, previewed, then in the page header.
    portal.go("/company")
    portal.page("company")
    portal.one('form[aria-label="Company logo"] input[type="file"]').send_keys(str(logo_png(tmp_path / "logo.png")))
    portal.wait(
        lambda d: d.execute_script(
            "const i = document.querySelector('[data-logo-preview]'); return !i.hidden && i.naturalWidth === 160"
        ),
        "the preview",
    )
    portal.press("Upload logo")
    portal.wait(
        lambda d: d.execute_script(
            "const i = document.getElementById('brand-logo'); return !i.hidden && i.naturalWidth === 160"
        ),
        "the header logo",
    )
    portal.screenshot("company")

    # Times in the company's time zone: Berlin is an hour ahead of UTC in November.
    portal.submit("Company profile", **{"location.timezone": "Europe/Berlin"})
    portal.shown(".toast", "Company profile saved")
    portal.go("/monitoring")
    portal.page("monitoring")
    assert "times in GMT+1" in portal.one(".page-header .subtitle").text

    assert portal.console_problems() == []


def test_errors_show_next_to_the_field_the_contract_names(system, portal):
    owner = sign_up(system)
    portal.forget_session()

    # Wrong password: the button is disabled while the request runs (held here until released),
    # then the error is next to the password and the button is usable again.
    portal.open("/signin")
    portal.page("signin")
    portal.driver.execute_script("""
        const realFetch = window.fetch;
        window.fetch = (...args) => new Promise((resolve) => {
            window.fetch = realFetch;
            window.releaseRequest = () => resolve(realFetch(...args));
        });""")
    form = portal.submit("Sign in", email=owner.email, password="not the password at all")
    button = portal.one('button[type="submit"]', form)
    portal.wait(lambda d: d.execute_script("return typeof window.releaseRequest === 'function'"), "the held request")
    assert not button.is_enabled() and form.get_attribute("aria-busy") == "true"
    portal.driver.execute_script("window.releaseRequest()")
    assert "Wrong email or password" in portal.error_for("Sign in", "password")
    assert button.is_enabled() and form.get_attribute("aria-busy") is None

    # An email already taken: next to the email.
    portal.go("/signup")
    portal.page("signup")
    portal.submit("Sign up", company_name="Again Ltd", name="Al", email=owner.email, password=PASSWORD)
    assert "already in use" in portal.error_for("Sign up", "email")

    # The contract's `details`: a bad email when creating an account is shown under that field.
    portal.sign_in_as(owner.token)
    portal.open("/accounts")
    portal.page("accounts")
    portal.press("New account")
    portal.submit("New customer account", name="Fabrikam", contact_email="not-an-email")
    assert portal.error_for("New customer account", "contact_email")
    assert (
        portal.one('form[aria-label="New customer account"] [name="contact_email"]').get_attribute("aria-invalid")
        == "true"
    )
    assert not portal.one('[data-error-for="name"]').text

    # A bad country code in the company's address: under `address.country`.
    portal.go("/company")
    portal.page("company")
    portal.submit("Company profile", **{"address.country": "XX"})
    assert "ISO 3166" in portal.error_for("Company profile", "address.country")
    assert portal.console_problems() == []


@pytest.mark.parametrize(
    "path, page",
    [
        ("/accounts", "accounts"),
        ("/accounts/{account}", "account"),
        ("/accounts/{account}/computers/{computer}", "computer"),
        ("/subscriptions", "subscriptions"),
        ("/renewals", "renewals"),
        ("/monitoring", "monitoring"),
        ("/activity", "activity"),
        ("/purchase", "purchase"),
        ("/company", "company"),
        ("/security", "security"),
    ],
)
def test_pages_fit_a_phone_and_label_every_field(system, portal, path, page):
    owner, account, computer = phone_owner(system)
    portal.driver.set_window_size(390, 844)
    try:
        portal.sign_in_as(owner.token)
        portal.open(path.format(account=account["id"], computer=computer["id"]))
        portal.page(page)
        assert portal.overflows() == 0
        assert portal.one("nav.tabs").is_displayed()
        assert portal.unlabelled() == []
    finally:
        portal.driver.set_window_size(1280, 900)


_phone_owner = {}


def phone_owner(system):
    """One partner with an account for every phone-width page (signed up once)."""
    if "owner" not in _phone_owner:
        owner = sign_up(system)
        account = owner.client.post(
            "/v1/accounts",
            json={
                "name": "A customer with a rather long name, Inc.",
                "contact_email": "someone.with.a.long.address@example.com",
            },
        ).json()
        assert (
            owner.client.post(
                f"/v1/accounts/{account['id']}/trials", json={"product": "safe-pro", "plan": "core"}
            ).status_code
            == 201
        )
        computer = owner.client.post(
            f"/v1/accounts/{account['id']}/computers",
            json={"name": "WORKSTATION-WITH-A-LONG-NAME-01", "kind": "workstation"},
        )
        assert computer.status_code == 201, computer.text
        now = dt.datetime.now(UTC)
        send_report(system, computer.json(), now - dt.timedelta(hours=30), backed_up=4_000_000)
        send_report(
            system,
            computer.json(),
            now - dt.timedelta(hours=6),
            status="failed",
            error="The disk C: could not be read: a rather long error text from the agent",
        )
        _phone_owner["owner"] = (owner, account, computer.json())
    return _phone_owner["owner"]


def test_releasing_an_account_asks_first_and_says_the_customer_keeps_its_data(system, portal):
    owner = sign_up(system)
    account = owner.client.post(
        "/v1/accounts", json={"name": "Tailspin Toys", "contact_email": "it@tailspin.example"}
    ).json()
    portal.sign_in_as(owner.token)
    portal.open(f"/accounts/{account['id']}")
    portal.page("account")

    portal.press("Release account")
    dialog = portal.shown("dialog[open]")
    assert "keeps its data" in dialog.text and "backup history" in dialog.text
    portal.press("Cancel", dialog)
    portal.gone("dialog[open]")
    assert owner.client.get(f"/v1/accounts/{account['id']}").status_code == 200

    portal.press("Release account")
    portal.press("Release account", portal.shown("dialog[open]"))
    portal.page("accounts")
    assert "Tailspin Toys" not in portal.one("main").text
    assert owner.client.get(f"/v1/accounts/{account['id']}").status_code == 404


def test_an_invited_employee_and_a_forgotten_password_through_the_mailed_links(system, clock, portal):
    from tests.flows import NEW_PASSWORD, sign_in
    from tests.mailbox import link_token, wait_for_mails

    owner = sign_up(system, company_name="Links Ltd")
    invited = unique_email("invited")
    answer = owner.client.post("/v1/employees", json={"email": invited, "name": "Ivy", "role": "support"})
    assert answer.status_code == 201, answer.text
    token = link_token(wait_for_mails(system, invited, 1)[0], "accept-invitation")

    # The invitation's link: a password of one's own, and signed in at once.
    portal.open(f"/accept-invitation?token={token}")
    portal.page("accept-invitation")
    portal.submit("Accept the invitation", password="password123")  # one of the most common
    assert "common" in portal.error_for("Accept the invitation", "password").lower()
    portal.submit("Accept the invitation", password=PASSWORD)
    portal.page("accounts")
    assert portal.token()
    portal.press("Sign out")

    # Forgotten: ask for a link from the sign-in page, then choose a new password with it.
    portal.page("signin")
    portal.press("Forgot your password?")
    portal.page("reset-password")
    portal.submit("Reset your password", email=invited)
    portal.shown(".notice.info", "on its way")
    token = link_token(wait_for_mails(system, invited, 2)[-1], "reset-password")
    portal.open(f"/reset-password?token={token}")
    portal.page("reset-password")
    portal.submit("Choose a new password", new_password=NEW_PASSWORD)
    portal.page("signin")
    portal.shown(".notice.info", "password is changed")
    assert sign_in(system, invited, NEW_PASSWORD).status_code == 201


def test_the_notifications_page_chooses_alerts_and_adds_a_webhook_whose_secret_it_shows_once(system, clock, portal):
    owner = sign_up(system, company_name="Alerted Ltd")
    portal.sign_in_as(owner.token)
    portal.go("/notifications")
    portal.page("notifications")
    portal.shown('input[name="email.recipients"]')
    # Alerts: two recipients, and no mail when a computer backs up again (the third type).
    portal.submit("Alert settings", **{"email.recipients": "noc@alerted.test, ops@alerted.test", "alert-2": False})
    portal.eventually(
        lambda: (
            owner.client.get("/v1/notifications/settings").json()["email"]["recipients"]
            == ["noc@alerted.test", "ops@alerted.test"]
        ),
        "the settings saved",
    )
    assert "computer.backing_up_again" not in owner.client.get("/v1/notifications/settings").json()["events"]
    # A webhook: added, its secret shown once, listed.
    portal.submit("Add a webhook", url="https://8.8.8.8/hooks/psa", description="PSA", **{"webhook-1": True})
    portal.shown("table.data code", "https://8.8.8.8/hooks/psa")  # the page drawn again with it
    secret = portal.shown("[data-webhook-secret] [data-copy-value]").text.strip()
    assert secret.startswith("whsec_")
    [webhook] = owner.client.get("/v1/webhooks").json()["items"]
    assert (webhook["url"], webhook["events"], webhook["description"]) == (
        "https://8.8.8.8/hooks/psa",
        ["computer.backup_failed"],
        "PSA",
    )
    portal.screenshot("notifications")
    portal.go("/accounts")
    portal.page("accounts")
    portal.go("/notifications")
    portal.page("notifications")
    assert not portal.all("[data-webhook-secret]"), "the secret is shown once"
