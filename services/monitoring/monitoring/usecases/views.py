"""The shapes monitoring answers with (dumped through the contract's schemas by the service)."""

import datetime as dt
from typing import Any

from monitoring.domain import states


def computer(row: Any, account_name: str | None, now: dt.datetime, threshold: float) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "account_id": row.account_id,
        "account_name": account_name,
        "status": states.state(row.last_success_at, row.created_at, now, threshold),
        "last_backup_at": row.last_backup_at,
        "last_status": row.last_status,
        "last_success_at": row.last_success_at,
        "bytes_backed_up": row.bytes_backed_up,
    }


def report(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "status": row.status,
        "bytes_selected": row.bytes_selected,
        "bytes_backed_up": row.bytes_backed_up,
        "files": row.files,
        "error": row.error,
        "received_at": row.received_at,
    }
