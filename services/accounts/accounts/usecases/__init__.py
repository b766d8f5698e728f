"""Accounts' use cases: plain functions of (uow, now, ...) that load, decide and commit.

Calls to another service (identity) happen before a write transaction opens, never inside
one: on SQLite a transaction held across a yield stalls every other writer of the process.
"""
