"""What every answer of the gateway must be, whatever was asked, and a partner with real data."""

import dataclasses
import datetime as dt

from tests.flows import Actor, sign_up

# Headers no answer may lack, and what they must say.
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff"}
TRACE_MARKERS = ("Traceback", 'File "', "line ", "Error(", "site-packages")


def _headers(response):
    """Header name (lower case) -> value, from `requests` or schemathesis (which keeps lists)."""
    return {name.lower(): value[-1] if isinstance(value, list) else value for name, value in response.headers.items()}


def assert_safe_answer(response):
    """Security headers, no server banner, and no stack trace or exception text in the body."""
    headers = _headers(response)
    where = (response.request.method, response.request.url, response.status_code, headers)
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name.lower()) == value, where
    assert "server" not in headers and "x-powered-by" not in headers, where
    if headers.get("content-type", "").startswith(("application/json", "text/")):
        text = response.content.decode("utf-8", "replace")
        for marker in TRACE_MARKERS:
            assert marker not in text, (*where, text[:500])


def iso(when):
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def report_body(finished, backed_up=1000):
    return {
        "started_at": iso(finished - dt.timedelta(minutes=30)),
        "finished_at": iso(finished),
        "status": "success",
        "bytes_selected": 2000,
        "bytes_backed_up": backed_up,
        "files": 12,
    }


@dataclasses.dataclass
class OwnerWithComputer:
    owner: Actor
    account_id: str
    computer_id: str
    agent_key: str


def owner_with_a_computer(system):
    """A new partner's owner, an administered account on a trial, and a computer of it."""
    owner = sign_up(system)
    client = owner.client
    account = client.post("/v1/accounts", json={"name": "Fuzzed Ltd", "contact_email": "it@fuzzed.test"})
    assert account.status_code == 201, account.text
    account_id = account.json()["id"]
    trial = client.post(f"/v1/accounts/{account_id}/trials", json={"product": "safe-pro", "plan": "ultimate"})
    assert trial.status_code == 201, trial.text
    computer = client.post(f"/v1/accounts/{account_id}/computers", json={"name": "PC-1", "kind": "workstation"})
    assert computer.status_code == 201, computer.text
    return OwnerWithComputer(owner, account_id, computer.json()["id"], computer.json()["agent_key"])
