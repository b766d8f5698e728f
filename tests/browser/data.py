"""What the browser tests make over HTTP before a person looks at it in the portal: accounts, trials,
subscriptions, computers and their agents' reports (the pages alone are what the tests judge)."""

import datetime as dt
import itertools
import uuid

UTC = dt.timezone.utc
_keys = itertools.count(1)


def iso(when):
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_account(owner, name="Contoso Dental", **extra):
    answer = owner.client.post("/v1/accounts", json={"name": name, "contact_email": "it@contoso.example", **extra})
    assert answer.status_code == 201, answer.text
    return answer.json()


def start_trial(owner, account, product, plan):
    answer = owner.client.post(f"/v1/accounts/{account['id']}/trials", json={"product": product, "plan": plan})
    assert answer.status_code == 201, answer.text
    return answer.json()


def order(owner, *lines, account=None):
    """An order of (product, plan, quantity) lines of a year each, for `account` or the inventory;
    answers the order."""
    items = [
        {
            "product": product,
            "plan": plan,
            "term_years": 1,
            "quantity": quantity,
            **({"account_id": account["id"]} if account else {}),
        }
        for product, plan, quantity in lines
    ]
    answer = owner.client.post(
        "/v1/orders", json={"items": items}, headers={"Idempotency-Key": f"browser-{next(_keys)}-{uuid.uuid4().hex}"}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def stock(owner, *lines):
    """Inventory subscriptions: {plan: subscription id}."""
    return {line["plan"]: line["subscription_id"] for line in order(owner, *lines)["lines"]}


def add_computer(owner, account, name, kind="workstation"):
    answer = owner.client.post(f"/v1/accounts/{account['id']}/computers", json={"name": name, "kind": kind})
    assert answer.status_code == 201, answer.text
    return answer.json()


def send_report(system, computer, finished, status="success", backed_up=0, selected=None, error=None, minutes=20):
    """What a backup agent sends after a backup: over HTTP with its key, no browser involved."""
    body = {
        "started_at": iso(finished - dt.timedelta(minutes=minutes)),
        "finished_at": iso(finished),
        "status": status,
        "bytes_selected": selected if selected is not None else max(backed_up, 1) * 2,
        "bytes_backed_up": backed_up,
        "files": 1200 if backed_up else 0,
    }
    if error:
        body["error"] = error
    answer = system.client().post(
        "/v1/agent/reports", json=body, headers={"Authorization": f"Agent {computer['agent_key']}"}
    )
    assert answer.status_code == 202, answer.text
