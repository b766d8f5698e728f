"""The partner a benchmark loads: made through the API, as a person would."""

import dataclasses
import datetime as dt
import uuid

import requests

PASSWORD = "benchmark passphrase 2026"


@dataclasses.dataclass
class Partner:
    base_url: str
    partner_id: str
    token: str
    agent_keys: list
    emails: list
    account_ids: list = dataclasses.field(default_factory=list)

    @property
    def auth(self):
        return f"Bearer {self.token}"


def _ok(response, status):
    if response.status_code != status:
        raise RuntimeError(f"{response.request.method} {response.url}: {response.status_code} {response.text}")
    return response.json() if response.content else None


def sign_up(base_url):
    http = requests.Session()
    email = f"owner.{uuid.uuid4().hex[:12]}@bench.example.com"
    answer = _ok(
        http.post(
            base_url + "/v1/signup",
            json={"company_name": "Bench IT", "name": "Bench Owner", "email": email, "password": PASSWORD},
        ),
        201,
    )
    token = _ok(http.post(base_url + "/v1/sessions", json={"email": email, "password": PASSWORD}), 201)["token"]
    return Partner(base_url, answer["partner"]["id"], token, [], [email])


def populate(partner, accounts, computers_per_account):
    """`accounts` customer accounts, each on a trial with its computers; one report per computer."""
    http = requests.Session()
    http.headers["Authorization"] = partner.auth
    url = partner.base_url
    now = dt.datetime.now(dt.timezone.utc)
    for number in range(accounts):
        account = _ok(
            http.post(
                url + "/v1/accounts",
                json={"name": f"Customer {number:05d}", "contact_email": f"it{number}@customer.example.com"},
            ),
            201,
        )
        partner.account_ids.append(account["id"])
        _ok(http.post(url + f"/v1/accounts/{account['id']}/trials", json={"product": "safe", "plan": "basic"}), 201)
        for index in range(computers_per_account):
            computer = _ok(
                http.post(
                    url + f"/v1/accounts/{account['id']}/computers",
                    json={"name": f"PC-{number}-{index}", "kind": "workstation"},
                ),
                201,
            )
            partner.agent_keys.append(computer["agent_key"])
    for key in partner.agent_keys:
        _ok(requests.post(url + "/v1/agent/reports", json=report(now), headers={"Authorization": f"Agent {key}"}), 202)


def add_employees(partner, count):
    http = requests.Session()
    http.headers["Authorization"] = partner.auth
    for number in range(count):
        email = f"staff.{number}.{uuid.uuid4().hex[:8]}@bench.example.com"
        _ok(
            http.post(
                partner.base_url + "/v1/employees",
                json={"email": email, "name": f"Staff {number}", "role": "viewer", "password": PASSWORD},
            ),
            201,
        )
        partner.emails.append(email)


def report(now):
    return {
        "started_at": (now - dt.timedelta(minutes=30)).isoformat().replace("+00:00", "Z"),
        "finished_at": now.isoformat().replace("+00:00", "Z"),
        "status": "success",
        "bytes_selected": 5_000_000_000,
        "bytes_backed_up": 120_000_000,
        "files": 3400,
    }
