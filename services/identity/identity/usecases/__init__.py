"""Identity's use cases: plain functions of (uow, now, ...) that load, decide and commit.

Password hashing yields to a thread pool, so it always happens outside a write transaction: on
SQLite a transaction held across a yield would stall every other writer of the process.
"""
