"""`make simulate`: watch the portal come alive. Signs up a partner (or signs in as one), opens a few
customer accounts with trials, adds their computers, and has their agents report backups through
the gateway, as real agents would: mostly successes, some failures, and one computer that stopped
backing up days ago.

    python scripts/simulate.py [--url http://127.0.0.1:8000] [--accounts 3] [--computers 4] [--once]
"""

import argparse
import datetime as dt
import random
import sys
import time
import uuid

import requests

from portal_common.events import iso

PASSWORD = "simulated partner 2026"
REPORT_EVERY_SECONDS = 5


class Portal:
    def __init__(self, url):
        self.url = url.rstrip("/")
        self.http = requests.Session()

    def call(self, method, path, expect, **kwargs):
        response = self.http.request(method, self.url + path, timeout=30, **kwargs)
        if response.status_code != expect:
            sys.exit(f"{method} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else None

    def sign_in(self, email, password):
        answer = self.call("POST", "/v1/sessions", 201, json={"email": email, "password": password})
        self.http.headers["Authorization"] = f"Bearer {answer['token']}"

    def report(self, agent_key, finished, status, bytes_backed_up):
        body = {
            "started_at": iso(finished - dt.timedelta(minutes=random.randint(5, 90))),
            "finished_at": iso(finished),
            "status": status,
            "bytes_selected": bytes_backed_up + random.randint(0, 10**8),
            "bytes_backed_up": bytes_backed_up if status != "failed" else 0,
            "files": random.randint(100, 50_000),
            "error": "Could not read C:\\pagefile.sys" if status == "failed" else None,
        }
        response = requests.post(
            self.url + "/v1/agent/reports", json=body, timeout=30, headers={"Authorization": f"Agent {agent_key}"}
        )
        return response.status_code


def set_up(portal, args):
    if args.email:
        portal.sign_in(args.email, args.password)
        print(f"signed in as {args.email}")
    else:
        email = f"partner-{uuid.uuid4().hex[:8]}@simulated.example"
        portal.call(
            "POST",
            "/v1/signup",
            201,
            json={"company_name": "Simulated MSP", "name": "Sim Owner", "email": email, "password": PASSWORD},
        )
        portal.sign_in(email, PASSWORD)
        print(f"signed up {email} / {PASSWORD}")
    computers = []
    for n in range(args.accounts):
        account = portal.call(
            "POST",
            "/v1/accounts",
            201,
            json={"name": f"Customer {n + 1}", "contact_email": f"it@customer{n + 1}.example"},
        )
        portal.call(
            "POST", f"/v1/accounts/{account['id']}/trials", 201, json={"product": "safe-pro", "plan": "ultimate"}
        )
        for m in range(args.computers):
            kind = "server" if m == 0 else "workstation"
            computer = portal.call(
                "POST",
                f"/v1/accounts/{account['id']}/computers",
                201,
                json={"name": f"C{n + 1}-{'SRV' if kind == 'server' else 'PC'}{m + 1}", "kind": kind},
            )
            computers.append(computer)
    return computers


def one_round(portal, computers, stale):
    now = dt.datetime.now(dt.timezone.utc)
    answers = []
    for computer in computers:
        if computer["id"] == stale["id"]:
            answers.append(portal.report(computer["agent_key"], now - dt.timedelta(days=4), "success", 10**9))
            continue
        status = random.choices(["success", "partial", "failed"], weights=[85, 10, 5])[0]
        answers.append(portal.report(computer["agent_key"], now, status, random.randint(10**8, 5 * 10**10)))
    return answers


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--accounts", type=int, default=3)
    parser.add_argument("--computers", type=int, default=4, help="per account (at most 15 on the trial)")
    parser.add_argument("--email", help="sign in as this partner instead of signing up a new one")
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--once", action="store_true", help="send one round of reports and stop")
    args = parser.parse_args(argv)
    portal = Portal(args.url)
    computers = set_up(portal, args)
    stale = computers[-1]
    print(f"{len(computers)} computers in {args.accounts} accounts; {stale['name']} stopped backing up days ago")
    rounds = 0
    try:
        while True:
            answers = one_round(portal, computers, stale)
            rounds += 1
            print(f"round {rounds}: {answers.count(202)}/{len(answers)} reports accepted", flush=True)
            if args.once:
                return 0 if answers.count(202) == len(answers) else 1
            time.sleep(REPORT_EVERY_SECONDS)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
