"""A service's database locked while an event for it arrives: its handler fails, the event comes
back after a delay, and once the lock is gone the read model catches up. Real `nameko run`
processes on SQLite files, as `make run` starts them.

Before handlers retried, the failed event was acknowledged and gone: with accounts' database
write-locked for 9 seconds while an order for an account landed, the accounts list showed the
account as `status: none` for good.
"""

import contextlib
import sqlite3
import time

import pytest

from tests.faults.processes import Processes
from tests.faults.test_mixed_load import signed_up
from tests.harness import SERVICES, Vhost

LOCKED_SECONDS = 9  # longer than SQLite's busy timeout (5 s): the handler fails, and tries again
CATCH_UP_SECONDS = 20


@pytest.fixture
def processes(request, tmp_path):
    with contextlib.ExitStack() as stack:
        vhost_uri = stack.enter_context(
            Vhost(request.config.getoption("RABBIT_AMQP_URI"), request.config.getoption("RABBIT_API_URI"))
        )
        db_uris = {name: f"sqlite:///{tmp_path / (name + '.db')}" for name in SERVICES}
        yield stack.enter_context(Processes(vhost_uri, db_uris)), tmp_path / "accounts.db"


def settled(db_path, account_id):
    """Until accounts has published its events and taken monitoring's first summary of the account:
    a writer that waits for SQLite's lock holds up its whole process (the busy wait is in C), and
    the order below needs accounts to answer whether the account is the caller's."""
    deadline = time.monotonic() + CATCH_UP_SECONDS
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        while time.monotonic() < deadline and (
            db.execute("SELECT count(*) FROM outbox").fetchone()[0]
            or not db.execute("SELECT backup_version FROM accounts WHERE id = ?", (account_id,)).fetchone()[0]
        ):
            time.sleep(0.05)


def listed_status(owner, account_id):
    return next(item["status"] for item in owner.get("/v1/accounts").json()["items"] if item["id"] == account_id)


def test_an_event_that_arrives_while_the_database_is_locked_is_applied_once_it_is_not(processes):
    system, accounts_db = processes
    owner = signed_up(system.base_url)
    account = owner.post("/v1/accounts", json={"name": "Contoso", "contact_email": "it@contoso.test"}).json()
    settled(accounts_db, account["id"])  # accounts is done writing: the lock is for the event to come

    lock = sqlite3.connect(accounts_db, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # no other writer until it ends; readers read on (WAL)
    try:
        order = owner.post(
            "/v1/orders",
            headers={"Idempotency-Key": "locked-1"},
            json={
                "items": [
                    {"product": "safe", "plan": "basic", "term_years": 1, "quantity": 1, "account_id": account["id"]}
                ]
            },
        )
        assert order.status_code == 201, order.text
        time.sleep(LOCKED_SECONDS)
    finally:
        lock.execute("COMMIT")
        lock.close()

    deadline = time.monotonic() + CATCH_UP_SECONDS
    while listed_status(owner, account["id"]) != "active" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert listed_status(owner, account["id"]) == "active", system.log_tail()
    assert system.alive("accounts", 0)
