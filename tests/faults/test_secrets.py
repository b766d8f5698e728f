"""Secrets stay secret: a realistic flow (sign-up, 2FA set up and used, a trusted device, a recovery
code, a password change, a wrong password, an employee, a computer and its agent's reports, orders,
sign-out) runs with every logger of the system at DEBUG, as each process's `config.yml` sets them
up with LOG_LEVEL=DEBUG. Afterwards:

- no password (right or wrong), TOTP code, recovery code, challenge, session or device token or
  agent key appears in any log line (message, arguments or traceback);
- the databases hold none of them in clear: only hashes, and the TOTP secret sealed with
  identity's key (a challenge is its row's id).
"""

import json
import logging
import re
import sqlite3

import pytest
import yaml

from portal_common import logs
from tests.faults.answers import report_body
from tests.flows import (
    NEW_PASSWORD,
    challenge_for,
    create_employee,
    enable_two_factor,
    next_code,
    sign_in,
    sign_up,
    unique_email,
    verify,
)
from tests.harness import ROOT
from tests.mailbox import link_token, wait_for_mails

SERVICES = ("identity", "accounts", "billing", "monitoring", "notifications", "audit")
CONFIGS = [ROOT / "gateway" / "config.yml"] + [ROOT / "services" / name / "config.yml" for name in SERVICES]


class Collector(logging.Handler):
    """Every line as production writes it: JSON, with the request's context stamped on."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logs.json_formatter())
        self.addFilter(logs.ContextFilter("test"))
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


def production_logging(level="DEBUG"):
    """The loggers' levels every process sets (each config.yml asks for `portal_common.logs`' JSON
    lines), with LOG_LEVEL=`level`."""
    for path in CONFIGS:
        config = yaml.safe_load(re.sub(r"\$\{[A-Z_]+:([^}]*)\}", r"\1", path.read_text()))
        assert config[logs.FORMAT_CONFIG_KEY] == "json" and "LOGGING" not in config, path
    config = logs.logging_config("test", level)
    return {"": config["root"]["level"], **{name: logger["level"] for name, logger in config["loggers"].items()}}


@pytest.fixture(scope="module")
def collected(system):
    """Every record of the module's flow, with the levels production would set."""
    collector = Collector()
    root = logging.getLogger()
    saved = {name: logging.getLogger(name).level for name in production_logging()}
    for name, level in production_logging().items():
        logging.getLogger(name).setLevel(level)
    root.addHandler(collector)
    yield collector
    root.removeHandler(collector)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture(scope="module")
def secrets(system, collected):
    """Run the flow; answer {what: [secret strings]} of everything secret it used or was given."""
    from portal_common.clock import utc_now

    clock = system.clock
    clock.set(utc_now())
    found = {
        "password": [],
        "totp_code": [],
        "recovery_code": [],
        "challenge": [],
        "token": [],
        "device_token": [],
        "agent_key": [],
        "totp_secret": [],
        "link_token": [],
    }
    owner = sign_up(system, password="first secret passphrase 1")
    found["password"].append(owner.password)
    found["token"].append(owner.token)

    secret, codes = enable_two_factor(owner, clock)
    found["totp_secret"].append(secret)
    found["recovery_code"].extend(codes)

    # A wrong password, then the right one with a code and a remembered device.
    wrong = sign_in(system, owner.email, "wrong secret passphrase 2")
    assert wrong.status_code == 401, wrong.text
    found["password"].append("wrong secret passphrase 2")
    challenge = challenge_for(owner)
    code = next_code(clock, secret)
    signed = verify(system, challenge, code, remember_device=True)
    assert signed.status_code == 201, signed.text
    found["challenge"].append(challenge)
    found["totp_code"].append(code)
    found["token"].append(signed.json()["token"])
    found["device_token"].append(signed.json()["device_token"])

    by_device = sign_in(system, owner.email, owner.password, device_token=signed.json()["device_token"])
    assert by_device.status_code == 201, by_device.text
    found["token"].append(by_device.json()["token"])

    # A recovery code instead of a TOTP.
    challenge = challenge_for(owner)
    recovered = verify(system, challenge, codes[0])
    assert recovered.status_code == 201, recovered.text
    found["challenge"].append(challenge)
    found["token"].append(recovered.json()["token"])
    owner.token = recovered.json()["token"]

    # A password change, with a code.
    code = next_code(clock, secret)
    changed = owner.client.post(
        "/v1/me/password", json={"current_password": owner.password, "new_password": NEW_PASSWORD, "code": code}
    )
    assert changed.status_code == 204, changed.text
    found["totp_code"].append(code)
    found["password"].append(NEW_PASSWORD)
    owner.password = NEW_PASSWORD
    challenge = challenge_for(owner)
    code = next_code(clock, secret)
    signed = verify(system, challenge, code)
    assert signed.status_code == 201, signed.text
    found["challenge"].append(challenge)
    found["totp_code"].append(code)
    owner.token = signed.json()["token"]
    found["token"].append(owner.token)

    # An employee with a password of their own.
    employee = create_employee(owner, "sales", password="employee secret passphrase 3")
    found["password"].append(employee.password)
    found["token"].append(employee.token)

    # An employee invited by mail, who sets a password through the link; then forgets it.
    invited = unique_email("invited")
    invitation = owner.client.post("/v1/employees", json={"email": invited, "name": "Ivy", "role": "viewer"})
    assert invitation.status_code == 201, invitation.text
    token = link_token(wait_for_mails(system, invited, 1)[0], "accept-invitation")
    accepted = system.client().post(
        "/v1/invitations/accept", json={"token": token, "password": "invited secret passphrase 4"}
    )
    assert accepted.status_code == 201, accepted.text
    found["link_token"].append(token)
    found["password"].append("invited secret passphrase 4")
    found["token"].append(accepted.json()["token"])
    assert system.client().post("/v1/password-reset", json={"email": invited}).status_code == 202
    token = link_token(wait_for_mails(system, invited, 2)[-1], "reset-password")
    reset = system.client().post(
        "/v1/password-reset/confirm", json={"token": token, "new_password": "reset secret passphrase 5"}
    )
    assert reset.status_code == 204, reset.text
    found["link_token"].append(token)
    found["password"].append("reset secret passphrase 5")

    # A customer account, a computer, its agent's reports, orders.
    client = owner.client
    account = client.post("/v1/accounts", json={"name": "Secretive Ltd", "contact_email": "it@secretive.test"}).json()
    assert (
        client.post(
            f"/v1/accounts/{account['id']}/trials", json={"product": "safe-pro", "plan": "ultimate"}
        ).status_code
        == 201
    )
    computer = client.post(f"/v1/accounts/{account['id']}/computers", json={"name": "PC", "kind": "server"})
    assert computer.status_code == 201, computer.text
    agent_key = computer.json()["agent_key"]
    found["agent_key"].append(agent_key)
    agent = system.client()
    for n in range(3):
        answer = agent.post(
            "/v1/agent/reports",
            json=report_body(clock.now(), backed_up=n),
            headers={"Authorization": f"Agent {agent_key}"},
        )
        assert answer.status_code == 202, answer.text
    order = client.post(
        "/v1/orders",
        headers={"Idempotency-Key": "order-1"},
        json={
            "items": [
                {"product": "safe-pro", "plan": "core", "term_years": 1, "quantity": 2, "account_id": account["id"]}
            ]
        },
    )
    assert order.status_code == 201, order.text
    assert client.delete(f"/v1/accounts/{account['id']}/computers/{computer.json()['id']}").status_code == 204
    refused = agent.post(
        "/v1/agent/reports", json=report_body(clock.now()), headers={"Authorization": f"Agent {agent_key}"}
    )
    assert refused.status_code == 401
    # A token that is not one, and sign-out.
    assert system.client("not-a-real-token-but-secret-looking").get("/v1/me").status_code == 401
    found["token"].append("not-a-real-token-but-secret-looking")
    assert client.delete("/v1/sessions/current").status_code == 204
    return found


def _occurs(secret, text):
    if secret.isdigit():  # a six-digit code: only as a number of its own
        return re.search(rf"(?<![0-9]){secret}(?![0-9])", text) is not None
    return secret in text


def test_no_secret_reaches_a_log_line(collected, secrets):
    text = "\n".join(collected.lines)
    lines = [json.loads(line) for line in collected.lines]
    loggers = {f"{line['level']} {line['logger']}" for line in lines}
    # The check proves something: the access log of every request, and the bus's own DEBUG lines,
    # with the request's context (request id, employee, partner) stamped on the workers' lines.
    assert {"INFO nameko.web.server", "DEBUG amqp"} <= loggers, loggers
    assert len(collected.lines) > 50, "hardly anything was logged"
    assert any({"request_id", "employee_id", "partner_id"} <= set(line) for line in lines)
    leaked = {kind: [s for s in values if _occurs(s, text)] for kind, values in secrets.items()}
    assert not any(leaked.values()), leaked


def _database_text(path):
    """Every value of every row of every table of a SQLite file, as one text."""
    with sqlite3.connect(path) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert tables, path
        values = []
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                values.extend(value.decode("latin-1") if isinstance(value, bytes) else str(value) for value in row)
    return "\n".join(values)


def test_the_databases_hold_only_hashes(system, secrets):
    stored = {name: _database_text(system.data_dir / f"{name}.db") for name in system.services}
    assert secrets["agent_key"][0] not in stored["accounts"]
    # Something of the flow is there, in clear where it should be: the check reads the right files.
    assert "Secretive Ltd" in stored["accounts"]
    for name, text in stored.items():
        for kind, values in secrets.items():
            if kind == "challenge":  # a challenge is its row's id
                continue
            leaked = [value for value in values if _occurs(value, text)]
            assert not leaked, (name, kind, leaked)
