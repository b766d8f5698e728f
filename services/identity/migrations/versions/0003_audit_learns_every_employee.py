"""the audit service learns every employee who existed before it

Revision ID: 0003
Revises: 0002

The audit log names the actor of an entry from identity's employee events; employees made before
the audit service existed have sent none. One `employee_updated` per employee, at its current version,
is written to the outbox (the relay publishes it), so their entries name them too. A consumer that
already knows that version keeps what it has.
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

import portal_common.db
from portal_common.events import EMPLOYEE_UPDATED, checked

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 1_000


def upgrade():
    bind = op.get_bind()
    outbox = sa.table(
        "outbox",
        sa.column("id"),
        sa.column("event_type"),
        sa.column("payload"),
        sa.column("created_at", portal_common.db.UtcDateTime()),
    )
    now = dt.datetime.now(dt.timezone.utc)
    employees = bind.execute(
        sa.text("SELECT id, partner_id, email, name, role, active, version FROM employees ORDER BY id")
    ).all()
    for start in range(0, len(employees), BATCH):
        rows = []
        for employee in employees[start : start + BATCH]:
            payload = checked(
                EMPLOYEE_UPDATED,
                EMPLOYEE_UPDATED.envelope(
                    employee.id,
                    employee.version,
                    now,
                    partner_id=employee.partner_id,
                    email=employee.email,
                    name=employee.name,
                    role=employee.role,
                    active=bool(employee.active),
                ),
            )
            rows.append(
                {
                    "id": payload["event_id"],
                    "event_type": EMPLOYEE_UPDATED.name,
                    "payload": json.dumps(payload),
                    "created_at": now,
                }
            )
        bind.execute(outbox.insert(), rows)


def downgrade():
    pass  # the events are published (or will be); there is nothing to take back
