"""Seal every second-factor seed again with the first of identity's keys (README, "Secrets at rest").

    TOTP_KEYS=<new key>,<old key> python -m identity.rotate_seed_keys <database URI>

Once it has run, the old key can leave the configuration. On PostgreSQL it may run while identity
runs (the rows are locked while they are sealed again); on SQLite, stop identity first.
"""

import os
import sys

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from portal_common.db import make_engine

from identity.adapters import sealed
from identity.adapters.repository import Employees

SEALED = ("totp_secret", "totp_pending_secret")


def rotate(db_uri, keys):
    """Answers how many employees' seeds were sealed again."""
    sealed.use_keys(keys)
    engine = make_engine(db_uri)
    try:
        with Session(engine) as session, session.begin():
            employees = Employees(session).holding_any_of(SEALED, for_update=True)
            for employee in employees:
                for name in SEALED:  # opened with whichever key sealed it, sealed with the first
                    flag_modified(employee, name)
        return len(employees)
    finally:
        engine.dispose()


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    keys = sealed.keys_from({key: os.environ.get(key) for key in (sealed.KEYS_CONFIG_KEY, sealed.KEY_FILE_CONFIG_KEY)})
    print(f"{rotate(sys.argv[1], keys)} employees' seeds sealed with the first key")


if __name__ == "__main__":
    main()
