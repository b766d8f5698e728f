"""computer names unique per account

Revision ID: 0002
Revises: 0001

Each live computer gets its name's key (spaces trimmed and collapsed, NFC, case-folded: the rule of
`accounts.domain.computer_names` when this was written, copied here so that this revision stays as
it ran), unique with its account. Removed computers get none. Where an account already has live
computers of one name, the oldest takes the key and the others get none: nothing is renamed, and
the name stays taken.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

computers = sa.table(
    "computers",
    sa.column("id", sa.String),
    sa.column("account_id", sa.String),
    sa.column("name", sa.String),
    sa.column("name_key", sa.String),
    sa.column("removed_at"),
    sa.column("created_at"),
)


def _name_key(name):
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()


def upgrade():
    with op.batch_alter_table("computers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=600), nullable=True))

    connection = op.get_bind()
    live = connection.execute(
        sa.select(computers.c.id, computers.c.account_id, computers.c.name)
        .where(computers.c.removed_at.is_(None))
        .order_by(computers.c.created_at, computers.c.id)
    ).all()
    taken, keys = set(), []
    for computer_id, account_id, name in live:
        if (account_id, _name_key(name)) not in taken:
            taken.add((account_id, _name_key(name)))
            keys.append({"computer_id": computer_id, "key": _name_key(name)})
    if keys:
        connection.execute(
            computers.update()
            .where(computers.c.id == sa.bindparam("computer_id"))
            .values(name_key=sa.bindparam("key")),
            keys,
        )

    with op.batch_alter_table("computers", schema=None) as batch_op:
        batch_op.create_index("ux_computers_live_name", ["account_id", "name_key"], unique=True)


def downgrade():
    with op.batch_alter_table("computers", schema=None) as batch_op:
        batch_op.drop_index("ux_computers_live_name")
        batch_op.drop_column("name_key")
