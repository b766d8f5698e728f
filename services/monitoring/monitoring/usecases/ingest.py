"""Agents' backup reports: who an agent key belongs to, and storing a report exactly once."""
from monitoring.adapters import repository
from monitoring.adapters.orm import MonitoredComputer, Report
from monitoring.domain import states
from monitoring.usecases.summaries import account_changed, set_state


def agent_identity(uow, key_hash):
    """The computer an agent key belongs to, or None for an unknown or removed one."""
    with uow:
        computer = repository.computer_by_key(uow.session, key_hash)
        if computer is None:
            return None
        return {"computer_id": computer.id, "partner_id": computer.partner_id, "account_id": computer.account_id}


def store_report(uow, now, report):
    """Idempotent: delivery is at least once, the report's id (given at the gateway) makes it once."""
    with uow:
        if uow.session.get(Report, report["id"]) is not None:
            return False
        # Locked: reports of one computer handled at once must not overwrite each other's latest.
        computer = uow.session.get(MonitoredComputer, report["computer_id"], with_for_update=True)
        if computer is None:
            raise LookupError(f"report {report['id']} for computer {report['computer_id']} not in the replica")
        row = Report(**{key: report[key] for key in (
            "id", "computer_id", "started_at", "finished_at", "status", "bytes_selected", "bytes_backed_up",
            "files", "error", "received_at")})
        uow.session.add(row)
        changed = False
        if states.newer(row.finished_at, computer.last_backup_at):
            computer.last_backup_at, computer.last_status = row.finished_at, row.status
        if row.status == "success" and states.newer(row.finished_at, computer.last_success_at):
            changed = computer.bytes_backed_up != row.bytes_backed_up or computer.last_success_at is None
            computer.last_success_at, computer.bytes_backed_up = row.finished_at, row.bytes_backed_up
        threshold = repository.threshold(uow.session, computer.partner_id)
        new_state = states.state(computer.last_success_at, computer.created_at, now, threshold)
        changed = set_state(uow, computer, new_state, now) or changed
        if changed:
            account_changed(uow, computer.account_id, now)
        uow.commit()
        return True
