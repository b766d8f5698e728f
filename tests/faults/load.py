"""Load for the fault tests: streams of orders and agents' reports through the gateway, each
answer recorded with when it was asked and how long it took."""

import dataclasses
import threading
import time
import uuid

import requests

from tests.faults.answers import report_body

ORDER_ITEMS = [{"product": "safe", "plan": "basic", "term_years": 1, "quantity": 1}]
REQUEST_TIMEOUT = 30


@dataclasses.dataclass
class Answer:
    kind: str  # "order" or "report"
    key: str  # the Idempotency-Key of an order
    status: int  # 0: no HTTP answer at all (connection refused or reset)
    body: dict
    started: float
    seconds: float


class Load:
    """`orders` streams of orders and `reports` streams of reports, until `stop()`."""

    def __init__(self, base_url, token, agent_keys, clock, orders=3, reports=3):
        self.base_url, self.token, self.agent_keys, self.clock = base_url, token, agent_keys, clock
        self.answers = []
        self.busy = 0  # requests asked and not answered yet
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._orders, daemon=True) for _ in range(orders)]
        self._threads += [
            threading.Thread(target=self._reports, args=(agent_keys[n % len(agent_keys)],), daemon=True)
            for n in range(reports)
        ]

    def start(self):
        for thread in self._threads:
            thread.start()
        return self

    def stop(self):
        self._stopping.set()
        for thread in self._threads:
            thread.join(REQUEST_TIMEOUT + 5)

    def _ask(self, session, kind, key, method, path, **kwargs):
        started = time.monotonic()
        self.busy += 1
        try:
            response = session.request(method, self.base_url + path, timeout=REQUEST_TIMEOUT, **kwargs)
            status, body = response.status_code, (response.json() if response.content else {})
        except requests.ConnectionError:
            status, body = 0, {}
        finally:
            self.busy -= 1
        answer = Answer(kind, key, status, body, started, time.monotonic() - started)
        self.answers.append(answer)
        return answer

    def order(self, session, key):
        return self._ask(
            session,
            "order",
            key,
            "POST",
            "/v1/orders",
            json={"items": ORDER_ITEMS},
            headers={"Authorization": f"Bearer {self.token}", "Idempotency-Key": key},
        )

    def _orders(self):
        with requests.Session() as session:
            while not self._stopping.is_set():
                self.order(session, f"load-{uuid.uuid4().hex}")
                time.sleep(0.02)

    def _reports(self, agent_key):
        with requests.Session() as session:
            while not self._stopping.is_set():
                self._ask(
                    session,
                    "report",
                    "",
                    "POST",
                    "/v1/agent/reports",
                    json=report_body(self.clock.now()),
                    headers={"Authorization": f"Agent {agent_key}"},
                )
                time.sleep(0.02)

    def of(self, kind, status=None):
        return [a for a in self.answers if a.kind == kind and (status is None or a.status == status)]

    def settle_orders(self, seconds=30):
        """Ask again, with the same key, for every order not answered 201, until it is; answer the
        201 answers, one per key."""
        settled = {a.key: a for a in self.of("order", 201)}
        deadline = time.monotonic() + seconds
        with requests.Session() as session:
            for key in {a.key for a in self.of("order")} - set(settled):
                while True:
                    answer = self.order(session, key)
                    if answer.status == 201:
                        settled[key] = answer
                        break
                    assert time.monotonic() < deadline, f"order {key} never went through: {answer}"
                    time.sleep(0.2)
        return settled
