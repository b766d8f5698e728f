"""Journeys a wrk script cannot make, run by threads beside wrk: a new customer (its account, then
its trial) and a sign-in with the second factor (the password, then a TOTP code). Every request's
status and latency is kept, so they are reported as wrk's loads are."""

import collections
import dataclasses
import statistics
import threading
import time
import uuid

import pyotp
import requests

from bench.population import PASSWORD, Partner, add_employees, expect, post_hashing

TOTP_STEP_SECONDS = 30


@dataclasses.dataclass
class Tally:
    """What the threads of one journey saw."""

    seconds: float = 0.0
    latencies_ms: list = dataclasses.field(default_factory=list)
    statuses: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    errors: int = 0  # no answer at all
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock, repr=False)

    def time(self, call):
        started = time.monotonic()
        try:
            response = call()
        except requests.RequestException:
            with self.lock:
                self.errors += 1
            return None
        with self.lock:
            self.latencies_ms.append((time.monotonic() - started) * 1000)
            self.statuses[str(response.status_code)] += 1
        return response

    @property
    def requests(self):
        return len(self.latencies_ms)

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share):
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else 0.0
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[share - 1]


def run(journey, connections, seconds):
    """`journey(http, tally)` over and over on `connections` threads for `seconds`."""
    tally, deadline = Tally(), time.monotonic() + seconds

    def loop():
        http = requests.Session()
        while time.monotonic() < deadline:
            journey(http, tally)

    started = time.monotonic()
    threads = [threading.Thread(target=loop, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.seconds = time.monotonic() - started
    return tally


def new_customers(partner: Partner):
    """A customer account, then its free trial."""

    def journey(http, tally):
        headers = {"Authorization": partner.auth}
        number = uuid.uuid4().hex[:10]
        account = tally.time(
            lambda: http.post(
                partner.base_url + "/v1/accounts",
                json={"name": f"Prospect {number}", "contact_email": f"it.{number}@prospect.example.com"},
                headers=headers,
                timeout=10,
            )
        )
        if account is not None and account.status_code == 201:
            tally.time(
                lambda: http.post(
                    partner.base_url + f"/v1/accounts/{account.json()['id']}/trials",
                    json={"product": "safe", "plan": "basic"},
                    headers=headers,
                    timeout=10,
                )
            )

    return journey


class SecondFactorStaff:
    """Employees with a confirmed second factor. A TOTP code is accepted once per employee and
    30-second step, so each signs in at most once a step: many employees make the rate."""

    def __init__(self, partner: Partner, count: int):
        self.base_url = partner.base_url
        self.lock = threading.Lock()
        self.ready = collections.deque()  # (email, totp, the step last used)
        before = len(partner.emails)
        add_employees(partner, count)
        for email in partner.emails[before:]:
            self.ready.append(self._enrol(email))

    def _enrol(self, email):
        http = requests.Session()
        token = post_hashing(http, self.base_url + "/v1/sessions", {"email": email, "password": PASSWORD}, 201)
        http.headers["Authorization"] = f"Bearer {token['token']}"
        totp = pyotp.TOTP(expect(http.post(self.base_url + "/v1/me/2fa/setup"), 200)["secret"])
        expect(http.post(self.base_url + "/v1/me/2fa/confirm", json={"code": totp.now()}), 200)
        return email, totp, _step()

    def journey(self, http, tally):
        """The password, then the code, for an employee whose code of this step is unused."""
        with self.lock:
            employee = self.ready.popleft() if self.ready and self.ready[0][2] < _step() else None
        if employee is None:
            time.sleep(0.1)
            return
        email, totp, _ = employee
        step = _step()
        challenge = tally.time(
            lambda: http.post(self.base_url + "/v1/sessions", json={"email": email, "password": PASSWORD}, timeout=10)
        )
        if challenge is not None and challenge.status_code == 202:
            tally.time(
                lambda: http.post(
                    self.base_url + "/v1/sessions/verify",
                    json={"challenge": challenge.json()["challenge"], "code": totp.at(step * TOTP_STEP_SECONDS)},
                    timeout=10,
                )
            )
        with self.lock:
            self.ready.append((email, totp, step))


def _step():
    return int(time.time()) // TOTP_STEP_SECONDS
