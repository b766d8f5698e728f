"""Monitoring's use cases: plain functions of (uow, now, ...) that load, decide and commit."""
