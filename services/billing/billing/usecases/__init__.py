"""Billing's use cases: plain functions of (uow, catalog, now, ...) that load, decide and commit.

Money moves once: a spending request's Idempotency-Key and its answer are stored in the same
transaction as its order. Calls to accounts happen before a write transaction opens.
"""
