"""Data at scale, written straight into accounts' and monitoring's databases (through their own
table definitions): `computers` computers across `accounts` accounts, 100 accounts per partner; the
partner under test gets `partner_computers` of them."""

import datetime as dt
import secrets
import types

from sqlalchemy import insert, text

from portal_common.db import make_engine
from portal_common.ids import new_id

from accounts.adapters.listing import listed_json
from accounts.adapters.orm import Account, Computer
from audit.adapters.orm import Entry, Person
from monitoring.adapters.orm import MonitoredAccount, MonitoredComputer

ACCOUNTS_PER_PARTNER = 100
BATCH = 10_000
NOT_BACKING_UP_EVERY = 10  # one computer in ten stopped backing up a week ago


def plan(partner_id, accounts, computers, partner_computers):
    """(partner id, computers in it) per account: the partner under test's accounts first."""
    per_account = computers // accounts
    partner_accounts = max(1, partner_computers // per_account)
    for number in range(accounts):
        owner = partner_id if number < partner_accounts else f"p{number // ACCOUNTS_PER_PARTNER:025d}"
        yield owner, per_account


def seed(accounts_uri, monitoring_uri, partner_id, accounts, computers, partner_computers):
    now = dt.datetime.now(dt.timezone.utc)
    stale = now - dt.timedelta(days=7)
    accounts_db, monitoring_db = make_engine(accounts_uri), make_engine(monitoring_uri)
    rows = {"accounts": [], "computers": [], "monitored_accounts": [], "monitored_computers": []}

    def flush(force=False):
        if not force and len(rows["computers"]) < BATCH:
            return
        with accounts_db.begin() as accounts_tx, monitoring_db.begin() as monitoring_tx:
            for table, engine_tx, model in (
                ("accounts", accounts_tx, Account),
                ("computers", accounts_tx, Computer),
                ("monitored_accounts", monitoring_tx, MonitoredAccount),
                ("monitored_computers", monitoring_tx, MonitoredComputer),
            ):
                if rows[table]:
                    engine_tx.execute(insert(model.__table__), rows[table])
                    rows[table] = []

    for number, (owner, count) in enumerate(plan(partner_id, accounts, computers, partner_computers)):
        account_id = new_id()
        stopped = (count + NOT_BACKING_UP_EVERY - 1) // NOT_BACKING_UP_EVERY
        account = dict(
            id=account_id,
            partner_id=owner,
            name=f"Customer {number:06d}",
            contact_email=f"it{number}@example.com",
            administered=True,
            created_at=now,
            released_at=None,
            version=1,
            computers=count,
            servers=0,
            billing_version=1,
            status="active",
            product="safe",
            plan="basic",
            expires_at=now + dt.timedelta(days=365),
            backup_version=1,
            bytes_backed_up=count * 10**9,
            computers_not_backing_up=stopped,
        )
        rows["accounts"].append({**account, "listed": listed_json(types.SimpleNamespace(**account))})
        rows["monitored_accounts"].append(
            dict(
                id=account_id,
                partner_id=owner,
                name=f"Customer {number:06d}",
                administered=True,
                released=False,
                version=1,
                summary_version=1,
            )
        )
        for index in range(count):
            computer_id, key_hash = new_id(), secrets.token_hex(32)
            last = stale if index % NOT_BACKING_UP_EVERY == 0 else now
            rows["computers"].append(
                dict(
                    id=computer_id,
                    account_id=account_id,
                    name=f"PC-{number}-{index}",
                    kind="workstation",
                    agent_key_hash=key_hash,
                    created_at=now,
                    removed_at=None,
                )
            )
            rows["monitored_computers"].append(
                dict(
                    id=computer_id,
                    account_id=account_id,
                    partner_id=owner,
                    name=f"PC-{number}-{index}",
                    kind="workstation",
                    created_at=now,
                    removed=False,
                    version=1,
                    state="ok" if last is now else "not_backing_up",
                    state_version=1,
                    last_backup_at=last,
                    last_status="success",
                    last_success_at=last,
                    bytes_backed_up=10**9,
                )
            )
        flush()
    flush(force=True)
    for engine in (accounts_db, monitoring_db):
        if engine.dialect.name == "postgresql":
            # What autovacuum does soon after such a load: the planner learns the tables' new size.
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
    accounts_db.dispose()
    monitoring_db.dispose()


AUDIT_ACTORS = 20  # the partner under test's employees who act in its log
AUDIT_TARGETS = 1_000
AUDIT_TYPES = ("computer.added", "session.created", "order.placed", "account.created", "employee.updated")
AUDIT_PARTNERS_ENTRIES = 10_000  # entries per other partner


def audit_actor(number):
    return f"A{number:025d}"


def audit_target(number):
    return f"T{number:025d}"


def seed_audit(audit_uri, partner_id, entries, partner_entries):
    """`entries` audit entries over the last 400 days, `partner_entries` of them the partner under
    test's (by `AUDIT_ACTORS` actors, about `AUDIT_TARGETS` targets, of `AUDIT_TYPES`)."""
    now = dt.datetime.now(dt.timezone.utc)
    step = dt.timedelta(days=400) / max(entries, 1)
    engine = make_engine(audit_uri)
    with engine.begin() as connection:
        connection.execute(
            insert(Person.__table__),
            [
                dict(
                    id=audit_actor(number),
                    partner_id=partner_id,
                    name=f"Employee {number}",
                    email=f"e{number}@example.com",
                    version=1,
                )
                for number in range(AUDIT_ACTORS)
            ],
        )
    rows, every = [], max(entries // max(partner_entries, 1), 1)
    for number in range(entries):
        # The partner's entries are numbered on their own, so each of its actors and targets has some.
        owner, mark = (
            (partner_id, number // every)
            if number % every == 0
            else (f"p{number // AUDIT_PARTNERS_ENTRIES:025d}", number)
        )
        rows.append(
            dict(
                id=new_id(),
                partner_id=owner,
                occurred_at=now - number * step,
                type=AUDIT_TYPES[mark % len(AUDIT_TYPES)],
                actor_id=audit_actor(mark % AUDIT_ACTORS),
                target_kind="account",
                target_id=audit_target(mark % AUDIT_TARGETS),
                target_name=f"Customer {mark % AUDIT_TARGETS}",
                summary="Seeded for the benchmark",
                request_id=None,
            )
        )
        if len(rows) >= BATCH:
            with engine.begin() as connection:
                connection.execute(insert(Entry.__table__), rows)
            rows = []
    if rows:
        with engine.begin() as connection:
            connection.execute(insert(Entry.__table__), rows)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    engine.dispose()
