"""The partner a benchmark loads: made through the API, as a person would."""

import dataclasses
import datetime as dt
import time
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


def expect(response, status):
    if response.status_code != status:
        raise RuntimeError(f"{response.request.method} {response.url}: {response.status_code} {response.text}")
    return response.json() if response.content else None


def sign_up(base_url):
    http = requests.Session()
    email = f"owner.{uuid.uuid4().hex[:12]}@bench.example.com"
    answer = expect(
        http.post(
            base_url + "/v1/signup",
            json={"company_name": "Bench IT", "name": "Bench Owner", "email": email, "password": PASSWORD},
        ),
        201,
    )
    token = expect(http.post(base_url + "/v1/sessions", json={"email": email, "password": PASSWORD}), 201)["token"]
    return Partner(base_url, answer["partner"]["id"], token, [], [email])


def populate(partner, accounts, computers_per_account):
    """`accounts` customer accounts, each on a trial with its computers; one report per computer."""
    http = requests.Session()
    http.headers["Authorization"] = partner.auth
    url = partner.base_url
    now = dt.datetime.now(dt.timezone.utc)
    for number in range(accounts):
        account = expect(
            http.post(
                url + "/v1/accounts",
                json={"name": f"Customer {number:05d}", "contact_email": f"it{number}@customer.example.com"},
            ),
            201,
        )
        partner.account_ids.append(account["id"])
        expect(http.post(url + f"/v1/accounts/{account['id']}/trials", json={"product": "safe", "plan": "basic"}), 201)
        for index in range(computers_per_account):
            computer = expect(
                http.post(
                    url + f"/v1/accounts/{account['id']}/computers",
                    json={"name": f"PC-{number}-{index}", "kind": "workstation"},
                ),
                201,
            )
            partner.agent_keys.append(computer["agent_key"])
    for key in partner.agent_keys:
        expect(
            requests.post(url + "/v1/agent/reports", json=report(now), headers={"Authorization": f"Agent {key}"}), 202
        )


HASHING_BUSY_SECONDS = 120  # how long a set-up waits for identity's hashing slots to free


def post_hashing(http, url, body, status):
    """A POST that hashes a password (a sign-in, a new employee): refused 429 while identity's hashing
    slots are busy (after a flood), so asked again after the Retry-After it gives."""
    deadline = time.monotonic() + HASHING_BUSY_SECONDS
    while True:
        response = http.post(url, json=body)
        if response.status_code != 429 or time.monotonic() > deadline:
            return expect(response, status)
        time.sleep(float(response.headers.get("Retry-After", 1)))


def add_employees(partner, count):
    http = requests.Session()
    http.headers["Authorization"] = partner.auth
    for number in range(count):
        email = f"staff.{number}.{uuid.uuid4().hex[:8]}@bench.example.com"
        post_hashing(
            http,
            partner.base_url + "/v1/employees",
            {"email": email, "name": f"Staff {number}", "role": "viewer", "password": PASSWORD},
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


def accounts_with_seats(partner, count, seats):
    """`count` more customer accounts, each with an active subscription of `seats` seats: room for
    the computers a workload adds."""
    http = requests.Session()
    http.headers["Authorization"] = partner.auth
    made = []
    for number in range(count):
        account = expect(
            http.post(
                partner.base_url + "/v1/accounts",
                json={"name": f"Fleet {number:03d}", "contact_email": f"fleet{number}@customer.example.com"},
            ),
            201,
        )
        item = {"product": "safe", "plan": "basic", "term_years": 1, "quantity": seats, "account_id": account["id"]}
        expect(
            http.post(
                partner.base_url + "/v1/orders", json={"items": [item]}, headers={"Idempotency-Key": uuid.uuid4().hex}
            ),
            201,
        )
        made.append(account["id"])
    return made


def seconds_until_sign_in(partner):
    """How long until the partner's owner signs in again (after a flood): identity's backlog drained."""
    started = time.monotonic()
    post_hashing(
        requests.Session(), partner.base_url + "/v1/sessions", {"email": partner.emails[0], "password": PASSWORD}, 201
    )
    return time.monotonic() - started
