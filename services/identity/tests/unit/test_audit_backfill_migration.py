"""Migration 0003: every employee made before the audit service existed is told to it once, as an
`employee_updated` at its current version in the outbox, so the audit log can name them."""

import json

from alembic import command
from sqlalchemy import text

from portal_common import migrate
from portal_common.db import make_engine
from portal_common.events import EMPLOYEE_UPDATED
from tests.harness import ROOT

IDENTITY = ROOT / "services" / "identity"


def test_each_existing_employee_is_announced_once_at_its_version(tmp_path):
    uri = f"sqlite:///{tmp_path / 'identity.db'}"
    command.upgrade(migrate.alembic_config(IDENTITY, uri), "0002")
    engine = make_engine(uri)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO partners (id, name, created_at, require_two_factor) "
                "VALUES ('p1', 'Acme', '2026-01-01 00:00:00', 0)"
            )
        )
        for number, (role, active, version) in enumerate((("owner", 1, 4), ("viewer", 0, 2))):
            connection.execute(
                text(
                    "INSERT INTO employees (id, partner_id, email, email_key, name, role, active, version, created_at) "
                    f"VALUES ('e{number}', 'p1', 'E{number}@acme.test', 'e{number}@acme.test', 'Person {number}', "
                    f"'{role}', {active}, {version}, '2026-01-01 00:00:00')"
                )
            )
    migrate.upgrade(IDENTITY, uri)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT event_type, payload FROM outbox")).all()
    engine.dispose()
    payloads = sorted((json.loads(payload) for event_type, payload in rows), key=lambda payload: payload["id"])
    assert {event_type for event_type, _ in rows} == {"employee_updated"}
    assert [
        (p["id"], p["version"], p["partner_id"], p["email"], p["name"], p["role"], p["active"], p["actor"])
        for p in payloads
    ] == [
        ("e0", 4, "p1", "E0@acme.test", "Person 0", "owner", True, None),
        ("e1", 2, "p1", "E1@acme.test", "Person 1", "viewer", False, None),
    ]
    assert all(EMPLOYEE_UPDATED.problems(payload) == {} for payload in payloads)
