"""Which alert an event from monitoring makes, and what its mail says. Plain Python: the events'
payloads in, an `Alert` (or nothing) out."""

import dataclasses
from collections.abc import Mapping
from typing import Any

from notifications.domain import mails

NOT_BACKING_UP = "computer.not_backing_up"
BACKUP_FAILED = "computer.backup_failed"
BACKING_UP_AGAIN = "computer.backing_up_again"
SUBSCRIPTION_EXPIRING = "subscription.expiring"
TRIAL_ENDING = "trial.ending"
KIND_NAMES = {"workstation": "Workstation", "server": "Server"}


@dataclasses.dataclass(frozen=True)
class Alert:
    key: str  # one per occurrence: the same event delivered twice makes one alert
    type: str
    partner_id: str
    data: dict  # what a webhook's `data` says (API.md)
    # A state's alerts about one thing (a computer) are told in order: a late, older one is not.
    subject: str | None = None
    version: int | None = None


def of_status_change(event: Mapping[str, Any]) -> Alert | None:
    """A computer that stops backing up, or starts again after it had stopped; of an administered
    account only (a released customer's computers are not the partner's to watch)."""
    if not event["administered"]:
        return None
    if event["status"] == "not_backing_up":
        alert_type = NOT_BACKING_UP
    elif event["status"] == "ok" and event["previous_status"] == "not_backing_up":
        alert_type = BACKING_UP_AGAIN
    else:
        return None
    return Alert(
        f"{alert_type}:{event['id']}:{event['version']}",
        alert_type,
        event["partner_id"],
        _computer_data(event, event["id"]),
        subject=event["id"],
        version=event["version"],
    )


def of_failed_backup(event: Mapping[str, Any]) -> Alert | None:
    if not event["administered"]:
        return None
    data = {**_computer_data(event, event["computer_id"]), "error": event["error"], "finished_at": event["finished_at"]}
    return Alert(f"{BACKUP_FAILED}:{event['id']}", BACKUP_FAILED, event["partner_id"], data)


def _computer_data(event: Mapping[str, Any], computer_id: str) -> dict[str, Any]:
    return {
        "computer": {
            "id": computer_id,
            "name": event["name"],
            "kind": event["kind"],
            "account_id": event["account_id"],
            "account_name": event["account_name"],
        },
        "status": event["status"],
        "last_success_at": event["last_success_at"],
        "last_status": event["last_status"],
    }


def of_subscription_ending(event: Mapping[str, Any], account_name: str | None) -> Alert:
    """A subscription that will not renew (30 and 7 days before), or a trial (3 days before): once
    per warning and expiry."""
    alert_type = TRIAL_ENDING if event["subscription"]["status"] == "trial" else SUBSCRIPTION_EXPIRING
    key = f"{alert_type}:{event['id']}:{event['subscription']['expires_at']}:{event['days']}"
    return Alert(key, alert_type, event["partner_id"], subscription_data(event, account_name))


def subscription_data(event: Mapping[str, Any], account_name: str | None) -> dict[str, Any]:
    """A subscription as webhooks tell it: the contract's item, with its account's id and name."""
    account = {"id": event["account_id"], "name": account_name} if event["account_id"] else None
    return {**event["subscription"], "account": account}


def mail_of(alert: Alert, company_name: str, portal_url: str) -> mails.Mail:
    """The alert's mail: one line that says what happened, what is known, and where to look."""
    what, facts, page = (_subscription_news if alert.type in (SUBSCRIPTION_EXPIRING, TRIAL_ENDING) else _computer_news)(
        alert
    )
    return mails.compose(
        company_name,
        what,
        facts,
        mails.link(portal_url, page),
        "See it in Partner Portal",
        f"Sent to {company_name} by Partner Portal: change which alerts you get under Notifications.",
    )


def _computer_news(alert: Alert) -> tuple[str, list[tuple[str, Any]], str]:
    computer = alert.data["computer"]
    what = {
        NOT_BACKING_UP: f"{computer['name']} has stopped backing up",
        BACKING_UP_AGAIN: f"{computer['name']} is backing up again",
        BACKUP_FAILED: f"A backup of {computer['name']} failed",
    }[alert.type]
    facts = [
        ("Customer", computer["account_name"]),
        ("Computer", f"{computer['name']} ({KIND_NAMES.get(computer['kind'], computer['kind'])})"),
        ("Last successful backup", alert.data["last_success_at"] or "never"),
    ]
    if alert.type == BACKUP_FAILED:
        facts.append(("Finished at", alert.data["finished_at"]))
        facts.append(("Error", alert.data["error"] or "(the agent gave no error text)"))
    return what, facts, f"accounts/{computer['account_id']}"


def _subscription_news(alert: Alert) -> tuple[str, list[tuple[str, Any]], str]:
    subscription, account = alert.data, alert.data["account"]
    ends = f"on {subscription['expires_at'][:10]}"
    whose = f" for {account['name']}" if account else " in your inventory"
    if alert.type == TRIAL_ENDING:
        what = f"The {subscription['product']} trial{whose} ends {ends}"
    else:
        what = f"A {subscription['product']} subscription{whose} expires {ends} and will not renew"
    facts = [
        ("Customer", account["name"] if account else "(not assigned)"),
        ("Product", f"{subscription['product']}, {subscription['plan']} plan"),
        ("Seats", subscription["quantity"]),
        ("Ends at", subscription["expires_at"]),
    ]
    if alert.type == SUBSCRIPTION_EXPIRING:
        facts.append(("Auto-renew", "off"))
    return what, facts, f"accounts/{account['id']}" if account else "purchase"
