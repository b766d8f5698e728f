"""The audit log over HTTP (API.md 1.1, "Audit log"): every change made through the API and every
sign-in and sign-out, with actor, target, summary and request id, newest first, filtered, for owners
and admins; an entry shows within 2 seconds and outlives the employee it names."""

import datetime as dt
import time

from tests.e2e.test_billing_helpers import (
    RENEWAL_SECONDS,
    add_computer,
    buy,
    item,
    new_key,
    open_account,
    refresh,
    start_clock,
    start_trial,
)
from tests.flows import (
    PASSWORD,
    assert_error,
    assert_iso_utc,
    create_employee,
    enable_two_factor,
    sign_in,
    sign_in_with_code,
    sign_up,
    unique_email,
)

ENTRY_KEYS = {"id", "occurred_at", "type", "actor", "target", "summary", "request_id"}
WITHIN_SECONDS = 2


def entries(actor, **query):
    response = actor.client.get("/v1/audit-events", params={"limit": 200, **query})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def entry_of(actor, activity_type, target_id=None, seconds=WITHIN_SECONDS, **query):
    """The newest entry of the type (about the target), waited for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        found = [
            entry
            for entry in entries(actor, type=activity_type, **query)
            if target_id is None or entry["target"]["id"] == target_id
        ]
        if found or time.monotonic() > deadline:
            assert found, f"no {activity_type} entry within {seconds}s"
            return found[0]
        time.sleep(0.05)


def seen(actor, activity_type, words, seconds=WITHIN_SECONDS):
    """Whether an entry of the type whose summary holds `words` shows within `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        if any(words in entry["summary"] for entry in entries(actor, type=activity_type)):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def test_each_entry_has_the_contract_shape_with_the_request_id_and_the_actor(system):
    owner = sign_up(system)
    hire_email = unique_email("hire")
    response = owner.client.post(
        "/v1/employees",
        headers={"X-Request-Id": "audit-trace-1"},
        json={"email": hire_email, "name": "New Hire", "role": "sales", "password": PASSWORD},
    )
    assert response.status_code == 201
    hire = response.json()
    entry = entry_of(owner, "employee.created", hire["id"])
    assert set(entry) == ENTRY_KEYS
    assert_iso_utc(entry["occurred_at"])
    assert entry["actor"] == {"id": owner.id, "name": owner.name, "email": owner.email}
    assert entry["target"] == {"kind": "employee", "id": hire["id"], "name": "New Hire"}
    assert entry["request_id"] == "audit-trace-1"
    assert hire_email in entry["summary"] and "sales" in entry["summary"]
    assert PASSWORD not in str(entries(owner))


def test_sign_ins_accepted_and_refused_and_sign_outs_are_recorded(system, clock):
    owner = sign_up(system)
    employee = create_employee(owner, "viewer")
    assert sign_in(system, employee.email, "not the password at all").status_code == 401
    refused = entry_of(owner, "session.refused", employee.id)
    assert refused["actor"]["id"] == employee.id and "wrong password" in refused["summary"]
    assert refused["request_id"]
    assert "not the password" not in str(entries(owner))
    entry_of(owner, "session.created", employee.id)
    assert employee.client.delete("/v1/sessions/current").status_code == 204
    ended = entry_of(owner, "session.ended", employee.id)
    assert ended["actor"]["id"] == employee.id
    # A sign-in with a second factor: a wrong code is refused, the right one accepted.
    enable_two_factor(owner, clock)
    challenge = sign_in(system, owner.email, owner.password).json()["challenge"]
    assert (
        system.client().post("/v1/sessions/verify", json={"challenge": challenge, "code": "000000"}).status_code == 401
    )
    assert seen(owner, "session.refused", "wrong second-factor code")
    owner.token = sign_in_with_code(owner, clock)["token"]
    assert seen(owner, "session.created", "with a second factor")
    entry_of(owner, "two_factor.enabled", owner.id)


def test_an_unknown_email_leaves_no_entry_anywhere(system):
    owner = sign_up(system)
    entry_of(owner, "session.created")  # the owner's own sign-in, recorded by event: not the one below
    before = {entry["id"] for entry in entries(owner)}
    assert sign_in(system, "nobody.at.all@example.com", "whatever-it-is").status_code == 401
    time.sleep(0.5)
    # Entries of the sign-up from other services may still come in: the unknown address's would be a
    # session entry, or name it.
    later = [entry for entry in entries(owner) if entry["id"] not in before]
    assert not [entry for entry in later if entry["type"].startswith("session.") or "nobody" in entry["summary"]]


def test_employee_changes_and_removal_name_the_employee_after_they_are_gone(system):
    owner = sign_up(system)
    admin = create_employee(owner, "admin", name="Ada Admin")
    sales = create_employee(owner, "sales", name="Sam Sales")
    assert admin.client.patch(f"/v1/employees/{sales.id}", json={"role": "support"}).status_code == 200
    updated = entry_of(owner, "employee.updated", sales.id)
    assert "sales → support" in updated["summary"] and updated["actor"]["name"] == "Ada Admin"
    assert admin.client.patch(f"/v1/employees/{sales.id}", json={"active": False}).status_code == 200
    assert seen(owner, "employee.updated", "deactivated")
    assert owner.client.delete(f"/v1/employees/{sales.id}").status_code == 204
    assert owner.client.delete(f"/v1/employees/{admin.id}").status_code == 204
    removed = entry_of(owner, "employee.removed", admin.id)
    assert removed["target"] == {"kind": "employee", "id": admin.id, "name": "Ada Admin"}
    # The admin is gone; what they did still says who they were.
    by_admin = entries(owner, actor_id=admin.id)
    assert by_admin and all(
        entry["actor"] == {"id": admin.id, "name": "Ada Admin", "email": admin.email} for entry in by_admin
    )


def test_invitations_password_changes_and_devices_are_recorded(system, clock):
    owner = sign_up(system)
    invited = owner.client.post(
        "/v1/employees", json={"email": unique_email("invitee"), "name": "Ivy", "role": "viewer"}
    )
    assert invited.status_code == 201
    entry_of(owner, "employee.invited", invited.json()["id"])
    assert owner.client.post(f"/v1/employees/{invited.json()['id']}/invitation").status_code == 202
    assert seen(owner, "employee.invited", "again")
    new_password = "an-entirely-new-secret-42"
    assert (
        owner.client.post(
            "/v1/me/password", json={"current_password": owner.password, "new_password": new_password}
        ).status_code
        == 204
    )
    entry_of(owner, "password.changed", owner.id)
    assert new_password not in str(entries(owner))
    owner.password = new_password
    enable_two_factor(owner, clock)
    answer = sign_in_with_code(owner, clock, remember_device=True)
    owner.token = answer["token"]
    device = owner.client.get("/v1/me/devices").json()["items"][0]
    assert owner.client.delete(f"/v1/me/devices/{device['id']}").status_code == 204
    entry_of(owner, "device.revoked", owner.id)
    assert answer["device_token"] not in str(entries(owner))
    disabled = owner.client.request(
        "DELETE", "/v1/me/2fa", json={"password": owner.password, "code": owner.recovery_codes[0]}
    )
    assert disabled.status_code == 204, disabled.text
    entry_of(owner, "two_factor.disabled", owner.id)


def test_company_settings_and_webhook_changes_are_recorded_without_secrets(system):
    owner = sign_up(system)
    assert owner.client.patch("/v1/company", json={"name": "Renamed Ltd"}).status_code == 200
    company = entry_of(owner, "company.updated", owner.partner_id)
    assert company["target"] == {"kind": "company", "id": owner.partner_id, "name": "Renamed Ltd"}
    assert "name" in company["summary"]
    assert owner.client.patch("/v1/company", json={"require_two_factor": True}).status_code == 200
    assert seen(owner, "company.updated", "Two-step verification required")
    assert owner.client.patch("/v1/monitoring/settings", json={"not_backing_up_after_hours": 48}).status_code == 200
    assert "48 hours" in entry_of(owner, "monitoring.settings_changed")["summary"]
    assert (
        owner.client.put(
            "/v1/notifications/settings",
            json={"email": {"enabled": False, "recipients": []}, "events": ["trial.ending"]},
        ).status_code
        == 200
    )
    entry_of(owner, "notifications.settings_changed")
    hook = owner.client.post(
        "/v1/webhooks", json={"url": "https://8.8.8.8/hook?token=sekret-in-url", "events": ["order.placed"]}
    ).json()
    created = entry_of(owner, "webhook.created", hook["id"])
    assert created["target"]["name"] == "8.8.8.8"
    assert owner.client.patch(f"/v1/webhooks/{hook['id']}", json={"active": False}).status_code == 200
    assert "off" in entry_of(owner, "webhook.updated", hook["id"])["summary"]
    assert owner.client.delete(f"/v1/webhooks/{hook['id']}").status_code == 204
    entry_of(owner, "webhook.deleted", hook["id"])
    text = str(entries(owner))
    assert "sekret-in-url" not in text and hook["secret"] not in text


def test_newest_first_paged_and_filtered(system):
    owner = sign_up(system)
    viewer = create_employee(owner, "viewer")
    for _ in range(5):
        assert sign_in(system, viewer.email, "wrong-password-here").status_code == 401
    entry_of(owner, "session.refused", viewer.id)
    deadline = time.monotonic() + WITHIN_SECONDS
    while len(entries(owner, type="session.refused")) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    everything = entries(owner)
    times = [(entry["occurred_at"], entry["id"]) for entry in everything]
    assert times == sorted(times, reverse=True)
    seen, cursor = [], None
    while True:
        page = owner.client.get(
            "/v1/audit-events", params={"limit": 2, **({"cursor": cursor} if cursor else {})}
        ).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [entry["id"] for entry in seen] == [entry["id"] for entry in everything]
    assert {entry["type"] for entry in entries(owner, type="session.refused")} == {"session.refused"}
    assert {entry["target"]["id"] for entry in entries(owner, target_id=viewer.id)} == {viewer.id}
    assert {entry["actor"]["id"] for entry in entries(owner, actor_id=owner.id)} == {owner.id}
    newest = assert_iso_utc(everything[0]["occurred_at"])
    later = (newest + dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert entries(owner, since=later) == []
    assert entries(owner, until=everything[-1]["occurred_at"])[-1]["id"] == everything[-1]["id"]


def test_bad_filters_are_refused(system):
    owner = sign_up(system)
    for query in (
        {"type": "no.such.type"},
        {"since": "yesterday"},
        {"limit": 0},
        {"cursor": "bogus"},
        {"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
    ):
        error = assert_error(owner.client.get("/v1/audit-events", params=query), 400, "validation_error")
        assert error["details"], query


def test_a_partner_sees_only_its_own_entries(system):
    mine, theirs = sign_up(system), sign_up(system)
    create_employee(theirs, "sales")
    entry_of(theirs, "employee.created")
    assert all(entry["actor"] is None or entry["actor"]["id"] != theirs.id for entry in entries(mine))
    assert entries(mine, actor_id=theirs.id) == []


def test_accounts_and_billing_changes_are_recorded_and_a_replayed_order_once(system, clock):
    owner = sign_up(system)
    account = open_account(owner, name="Contoso Audit")
    entry = entry_of(owner, "account.created", account["id"])
    assert entry["target"] == {"kind": "account", "id": account["id"], "name": "Contoso Audit"}
    trial = start_trial(owner, account["id"], "safe-pro", "ultimate")
    assert "trial" in entry_of(owner, "trial.started", trial["id"])["summary"]
    user = owner.client.post(f"/v1/accounts/{account['id']}/users", json={"email": "u@contoso.test", "name": "Uma"})
    assert user.status_code == 201
    assert "u@contoso.test" in entry_of(owner, "account_user.added", user.json()["id"])["summary"]
    assert owner.client.delete(f"/v1/accounts/{account['id']}/users/{user.json()['id']}").status_code == 204
    entry_of(owner, "account_user.removed", user.json()["id"])
    computer = add_computer(owner, account["id"], name="AUDIT-PC")
    assert computer.status_code == 201
    assert "AUDIT-PC" in entry_of(owner, "computer.added", computer.json()["id"])["summary"]
    assert "agent_key" not in str(entries(owner)) and computer.json()["agent_key"] not in str(entries(owner))
    key = new_key()
    order = owner.client.post(
        "/v1/orders", headers={"Idempotency-Key": key}, json={"items": [item("safe-pro", "core", 2, 3, account["id"])]}
    )
    assert order.status_code == 201
    again = owner.client.post(
        "/v1/orders", headers={"Idempotency-Key": key}, json={"items": [item("safe-pro", "core", 2, 3, account["id"])]}
    )
    assert again.json()["id"] == order.json()["id"]
    placed = entry_of(owner, "order.placed", order.json()["id"])
    assert "3 × safe-pro core, 2 years" in placed["summary"] and order.json()["currency"] in placed["summary"]
    time.sleep(0.5)
    assert len(entries(owner, target_id=order.json()["id"])) == 1  # the replay placed nothing
    sub_id = order.json()["lines"][0]["subscription_id"]
    assert owner.client.patch(f"/v1/subscriptions/{sub_id}", json={"auto_renew": False}).status_code == 200
    assert "off" in entry_of(owner, "subscription.auto_renew_changed", sub_id)["summary"]
    upgraded = owner.client.post(
        f"/v1/subscriptions/{sub_id}/upgrade", json={"plan": "power"}, headers={"Idempotency-Key": new_key()}
    )
    assert upgraded.status_code in (200, 201), upgraded.text
    assert "core to power" in entry_of(owner, "subscription.upgraded", sub_id)["summary"]
    addon = owner.client.post(
        f"/v1/subscriptions/{sub_id}/addons",
        json={"addon": "extra-computer", "quantity": 2},
        headers={"Idempotency-Key": new_key()},
    )
    assert addon.status_code == 201, addon.text
    entry_of(owner, "subscription.addon_added", sub_id)
    assert owner.client.delete(f"/v1/accounts/{account['id']}/computers/{computer.json()['id']}").status_code == 204
    entry_of(owner, "computer.removed", computer.json()["id"])
    assert owner.client.post(f"/v1/accounts/{account['id']}/release").status_code == 200
    released = entry_of(owner, "account.released", account["id"])
    assert released["actor"]["id"] == owner.id


def test_renewals_and_expiries_are_the_systems_with_no_actor(system, clock):
    start = start_clock(clock)
    owner = sign_up(system)
    account = open_account(owner)
    renewing = buy(owner, item("safe-pro", "core", 1, 1, account["id"]))["lines"][0]["subscription_id"]
    ending = buy(owner, item("safe", "basic", 1, 1, account["id"]))["lines"][0]["subscription_id"]
    assert owner.client.patch(f"/v1/subscriptions/{ending}", json={"auto_renew": False}).status_code == 200
    clock.set(start + dt.timedelta(days=367))
    refresh(owner)
    renewed = entry_of(owner, "subscription.renewed", renewing, seconds=RENEWAL_SECONDS)
    expired = entry_of(owner, "subscription.expired", ending, seconds=RENEWAL_SECONDS)
    assert renewed["actor"] is None and expired["actor"] is None
    assert renewed["request_id"] is None and "auto-renew was off" in expired["summary"]
    renewal_orders = [entry for entry in entries(owner, type="order.placed") if entry["actor"] is None]
    assert len(renewal_orders) == 1 and renewal_orders[0]["summary"].startswith("Renewal order")


def test_the_log_as_csv_is_the_whole_filtered_list_with_the_actor_flattened(system):
    import csv
    import io

    owner = sign_up(system, company_name='=HYPERLINK("http://evil.test")')
    for number in range(3):
        create_employee(owner, "viewer", name=f"@Viewer {number}")
    deadline = time.monotonic() + WITHIN_SECONDS
    while len(entries(owner, type="employee.created")) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    response = owner.client.get("/v1/audit-events", params={"type": "employee.created"}, headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-events-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert list(rows[0]) == [
        "id",
        "occurred_at",
        "type",
        "actor.id",
        "actor.name",
        "actor.email",
        "target.kind",
        "target.id",
        "target.name",
        "summary",
        "request_id",
    ]
    listed = entries(owner, type="employee.created")
    assert [row["id"] for row in rows] == [entry["id"] for entry in listed] and len(rows) == 4
    assert {row["target.name"] for row in rows} >= {"'@Viewer 0", "'@Viewer 1", "'@Viewer 2"}
    assert all(row["actor.email"] == owner.email for row in rows)
    signed_up = [row for row in rows if row["target.id"] == owner.id][0]
    assert "HYPERLINK" in signed_up["summary"] and not signed_up["summary"].startswith("=")
    viewer = create_employee(owner, "viewer")
    assert_error(viewer.client.get("/v1/audit-events", headers={"Accept": "text/csv"}), 403, "forbidden")
