"""Monitoring over HTTP: agents report, computers turn not_backing_up, the partner's views."""

import datetime as dt
import time

import pytest

from tests.flows import assert_error, create_employee, sign_up

UTC = dt.timezone.utc


def iso(when):
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def eventually(check, seconds=5):
    """Poll `check` until it returns something truthy, within a deadline."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


class Partner:
    def __init__(self, system, clock):
        self.system, self.clock = system, clock
        self.owner = sign_up(system)
        self.client = self.owner.client

    def account(self, name="Contoso", administered=True):
        account = self.client.post(
            "/v1/accounts", json={"name": name, "contact_email": "it@c.test", "administered": administered}
        ).json()
        if administered:
            started = self.client.post(
                f"/v1/accounts/{account['id']}/trials", json={"product": "safe-pro", "plan": "ultimate"}
            )
            assert started.status_code == 201, started.text
        return account

    def computer(self, account, name="PC", kind="workstation"):
        response = self.client.post(f"/v1/accounts/{account['id']}/computers", json={"name": name, "kind": kind})
        assert response.status_code == 201, response.text
        return response.json()

    def report(self, computer, status="success", finished=None, backed_up=1000, **extra):
        finished = finished or self.clock.now()
        body = {
            "started_at": iso(finished - dt.timedelta(minutes=30)),
            "finished_at": iso(finished),
            "status": status,
            "bytes_selected": max(2000, backed_up),
            "bytes_backed_up": backed_up,
            "files": 12,
            **extra,
        }
        return self.system.client().post(
            "/v1/agent/reports", json=body, headers={"Authorization": f"Agent {computer['agent_key']}"}
        )

    def later(self, **delta):
        """Move the clock on and sign in again (a session lives 12 hours)."""
        self.clock.advance(**delta)
        token = (
            self.system.client()
            .post("/v1/sessions", json={"email": self.owner.email, "password": self.owner.password})
            .json()["token"]
        )
        self.client.headers["Authorization"] = f"Bearer {token}"

    def reports_of(self, computer):
        return self.client.get(f"/v1/monitoring/computers/{computer['id']}/reports").json()["items"]

    def states(self, **params):
        items = self.client.get("/v1/monitoring/computers", params=params).json()["items"]
        return {item["name"]: item["status"] for item in items}

    def listed(self, account):
        return next(i for i in self.client.get("/v1/accounts").json()["items"] if i["id"] == account["id"])


@pytest.fixture
def partner(system, clock):
    return Partner(system, clock)


def test_a_report_is_accepted_stored_once_and_shown(partner):
    account = partner.account()
    computer = partner.computer(account)
    response = partner.report(computer, backed_up=4096, error=None)
    assert response.status_code == 202, response.text
    report_id = response.json()["id"]
    reports = eventually(lambda: partner.reports_of(computer))
    assert [r["id"] for r in reports] == [report_id]
    assert reports[0]["bytes_backed_up"] == 4096 and reports[0]["error"] is None
    assert reports[0]["received_at"].endswith("Z")
    item = partner.client.get("/v1/monitoring/computers").json()["items"][0]
    assert item["status"] == "ok" and item["bytes_backed_up"] == 4096 and item["account_name"] == "Contoso"
    assert item["last_status"] == "success" and item["last_success_at"] == item["last_backup_at"]


def test_the_latest_report_and_the_latest_success_are_told_apart(partner, clock):
    account = partner.account()
    computer = partner.computer(account)
    now = clock.now()
    assert partner.report(computer, finished=now - dt.timedelta(hours=5), backed_up=500).status_code == 202
    assert (
        partner.report(
            computer, status="failed", finished=now - dt.timedelta(hours=1), backed_up=0, error="disk full"
        ).status_code
        == 202
    )
    # Arriving late but older: changes neither the latest report nor the latest success.
    assert partner.report(computer, finished=now - dt.timedelta(hours=9), backed_up=100).status_code == 202
    eventually(lambda: len(partner.reports_of(computer)) == 3)
    item = partner.client.get("/v1/monitoring/computers").json()["items"][0]
    assert item["last_status"] == "failed" and item["last_backup_at"] == iso(now - dt.timedelta(hours=1))
    assert item["last_success_at"] == iso(now - dt.timedelta(hours=5)) and item["bytes_backed_up"] == 500
    history = partner.reports_of(computer)
    assert [r["finished_at"] for r in history] == sorted((r["finished_at"] for r in history), reverse=True)
    assert history[0]["error"] == "disk full"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"finished_at": "2000-01-01T00:00:00Z"}, "finished_at"),
        ({"status": "great"}, "status"),
        ({"bytes_backed_up": -1}, "bytes_backed_up"),
        ({"bytes_selected": 1.5}, "bytes_selected"),
        ({"files": "12"}, "files"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"started_at": "2026-11-26T10:00:00"}, "started_at"),
        ({"surprise": 1}, "surprise"),
        ({"error": "x" * 2001}, "error"),
    ],
)
def test_bad_reports_are_400_and_not_stored(partner, change, field):
    computer = partner.computer(partner.account())
    response = partner.report(computer, **change)
    error = assert_error(response, 400, "validation_error")
    assert field in error["details"], error
    assert partner.reports_of(computer) == []


def test_a_report_finishing_more_than_five_minutes_ahead_is_refused(partner, clock):
    computer = partner.computer(partner.account())
    assert_error(partner.report(computer, finished=clock.now() + dt.timedelta(minutes=6)), 400, "validation_error")
    assert partner.report(computer, finished=clock.now() + dt.timedelta(minutes=4)).status_code == 202


@pytest.mark.parametrize("authorization", [None, "Agent ", "Agent agk_not-a-key", "Bearer agk_x"])
def test_unknown_keys_are_401(partner, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = partner.system.client().post("/v1/agent/reports", json={}, headers=headers)
    assert_error(response, 401, "unauthenticated")


def test_a_removed_computers_key_stops_working_and_its_history_stays(partner):
    account = partner.account()
    computer = partner.computer(account)
    assert partner.report(computer).status_code == 202
    eventually(lambda: partner.reports_of(computer))
    assert partner.client.delete(f"/v1/accounts/{account['id']}/computers/{computer['id']}").status_code == 204
    assert_error(partner.report(computer), 401, "unauthenticated")
    assert eventually(lambda: partner.states() == {}, seconds=2)  # monitoring's copy hears of it
    assert_error(partner.client.get(f"/v1/monitoring/computers/{computer['id']}/reports"), 404, "not_found")


def test_states_follow_time_and_the_threshold(partner, clock):
    account = partner.account()
    quiet = partner.computer(account, name="QUIET")
    partner.computer(account, name="FRESH")
    assert partner.report(quiet).status_code == 202
    eventually(lambda: partner.states().get("QUIET") == "ok")
    assert partner.states() == {"QUIET": "ok", "FRESH": "new"}
    partner.later(hours=71, minutes=59)
    assert partner.states() == {"QUIET": "ok", "FRESH": "new"}
    partner.later(minutes=2)
    assert partner.states() == {"QUIET": "not_backing_up", "FRESH": "not_backing_up"}
    assert partner.states(status="not_backing_up") == {"QUIET": "not_backing_up", "FRESH": "not_backing_up"}
    settings = partner.client.patch("/v1/monitoring/settings", json={"not_backing_up_after_hours": 100})
    assert settings.status_code == 200 and settings.json() == {"not_backing_up_after_hours": 100}
    assert partner.states() == {"QUIET": "ok", "FRESH": "new"}
    assert partner.states(status="new") == {"FRESH": "new"}
    assert partner.client.get("/v1/monitoring/overview").json()["not_backing_up_after_hours"] == 100


def test_the_accounts_list_shows_bytes_and_not_backing_up_within_two_seconds(partner, clock):
    account = partner.account()
    first, second = partner.computer(account, name="A"), partner.computer(account, name="B")
    assert partner.report(first, backed_up=1000).status_code == 202
    assert partner.report(second, backed_up=234).status_code == 202
    assert eventually(lambda: partner.listed(account)["bytes_backed_up"] == 1234, seconds=2)
    assert partner.listed(account)["computers_not_backing_up"] == 0
    partner.later(hours=73)
    # No report at all: time alone turns them not_backing_up, and the sweep tells accounts.
    assert eventually(lambda: partner.listed(account)["computers_not_backing_up"] == 2, seconds=2)


def test_the_overview_counts_administered_live_accounts_only(partner):
    administered = partner.account("Administered")
    partner.account("Resold", administered=False)
    released = partner.account("Released")
    for name in ("A", "B"):
        assert partner.report(partner.computer(administered, name=name), backed_up=100).status_code == 202
    assert partner.report(partner.computer(released, name="R"), backed_up=5000).status_code == 202
    assert eventually(lambda: partner.client.get("/v1/monitoring/overview").json()["bytes_backed_up"] == 5200)
    assert partner.client.post(f"/v1/accounts/{released['id']}/release").status_code == 200
    overview = eventually(
        lambda: (lambda o: o if o["accounts"] == 1 else None)(partner.client.get("/v1/monitoring/overview").json())
    )
    assert overview == {
        "accounts": 1,
        "computers": 2,
        "bytes_backed_up": 200,
        "computers_not_backing_up": 0,
        "not_backing_up_after_hours": 72,
    }
    assert set(partner.states()) == {"A", "B"}


def test_released_accounts_computers_still_report(partner):
    account = partner.account()
    computer = partner.computer(account)
    assert partner.client.post(f"/v1/accounts/{account['id']}/release").status_code == 200
    # The customer keeps backing up: its agent is not cut off.
    assert partner.report(computer).status_code == 202


def test_backup_status_of_an_account(partner, system):
    account = partner.account()
    computer = partner.computer(account, name="SRV", kind="server")
    assert partner.report(computer, backed_up=777).status_code == 202
    status = eventually(
        lambda: (lambda b: b if b["bytes_backed_up"] == 777 else None)(
            partner.client.get(f"/v1/accounts/{account['id']}/backup-status").json()
        )
    )
    assert [c["name"] for c in status["computers"]] == ["SRV"] and status["computers"][0]["kind"] == "server"
    reseller = partner.account("Resold", administered=False)
    assert_error(partner.client.get(f"/v1/accounts/{reseller['id']}/backup-status"), 403, "not_administrator")
    other = sign_up(system)
    assert_error(other.client.get(f"/v1/accounts/{account['id']}/backup-status"), 404, "not_found")
    assert_error(other.client.get(f"/v1/monitoring/computers/{computer['id']}/reports"), 404, "not_found")
    assert other.client.get("/v1/monitoring/computers").json()["items"] == []


def test_filters_and_pages(partner):
    first, second = partner.account("First"), partner.account("Second")
    names = [partner.computer(first, name=f"F{n}")["name"] for n in range(3)] + [
        partner.computer(second, name="S0")["name"]
    ]
    page = partner.client.get("/v1/monitoring/computers", params={"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = partner.client.get("/v1/monitoring/computers", params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [i["name"] for i in page["items"] + rest["items"]] == names and rest["next_cursor"] is None
    assert set(partner.states(account_id=second["id"])) == {"S0"}
    assert_error(partner.client.get("/v1/monitoring/computers", params={"status": "asleep"}), 400, "validation_error")


def test_report_history_pages_newest_first(partner, clock):
    computer = partner.computer(partner.account())
    now = clock.now()
    for hours in range(5):
        assert partner.report(computer, finished=now - dt.timedelta(hours=hours)).status_code == 202
    eventually(lambda: len(partner.reports_of(computer)) == 5)
    path = f"/v1/monitoring/computers/{computer['id']}/reports"
    first = partner.client.get(path, params={"limit": 2}).json()
    second = partner.client.get(path, params={"limit": 2, "cursor": first["next_cursor"]}).json()
    third = partner.client.get(path, params={"limit": 2, "cursor": second["next_cursor"]}).json()
    finished = [r["finished_at"] for r in first["items"] + second["items"] + third["items"]]
    assert finished == [iso(now - dt.timedelta(hours=h)) for h in range(5)] and third["next_cursor"] is None
    assert_error(partner.client.get(path, params={"cursor": "nope"}), 400, "validation_error")


@pytest.mark.parametrize("hours", [0, 721, "72", 1.5, None])
def test_the_threshold_is_1_to_720_hours(partner, hours):
    assert_error(
        partner.client.patch("/v1/monitoring/settings", json={"not_backing_up_after_hours": hours}),
        400,
        "validation_error",
    )
    assert partner.client.get("/v1/monitoring/settings").json() == {"not_backing_up_after_hours": 72}


@pytest.mark.parametrize("role", ["sales", "support", "viewer"])
def test_every_role_sees_monitoring_and_only_owner_and_admin_change_the_threshold(partner, role):
    employee = create_employee(partner.owner, role)
    assert employee.client.get("/v1/monitoring/overview").status_code == 200
    assert employee.client.get("/v1/monitoring/computers").status_code == 200
    assert employee.client.get("/v1/monitoring/settings").status_code == 200
    assert_error(
        employee.client.patch("/v1/monitoring/settings", json={"not_backing_up_after_hours": 5}), 403, "forbidden"
    )
