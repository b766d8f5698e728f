"""Reports as the gateway hands them on: checked there against the contract, with the report's id,
computer, partner and time of arrival added. Read here with plain Python (monitoring reads
thousands a second); what is not such a report raises `ValueError`, and is dropped, not retried.
"""
import datetime as dt

from portal_common.schemas.monitoring import ERROR_MAX, REPORT_COUNTS, REPORT_STATUSES

TEXTS = ("id", "computer_id", "partner_id", "status")
TIMES = ("started_at", "finished_at", "received_at")
COUNTS = tuple(REPORT_COUNTS)


def report_from_message(message):
    """The report's values, its times as aware datetimes."""
    if not isinstance(message, dict):
        raise ValueError("a report message is a JSON object")
    try:
        report = {key: message[key] for key in TEXTS + COUNTS}
        report.update({key: _utc(message[key]) for key in TIMES})
    except KeyError as missing:
        raise ValueError(f"the report message has no {missing}") from None
    report["error"] = message.get("error")
    if not all(isinstance(report[key], str) for key in TEXTS) or report["status"] not in REPORT_STATUSES:
        raise ValueError("the report message's texts are not the contract's")
    if not all(type(report[key]) is int and 0 <= report[key] <= REPORT_COUNTS[key] for key in COUNTS):
        raise ValueError("the report message's counts are not the contract's")
    if report["error"] is not None and not (isinstance(report["error"], str) and len(report["error"]) <= ERROR_MAX):
        raise ValueError("the report message's error is not the contract's")
    return report


def _utc(text):
    if not isinstance(text, str):
        raise ValueError("a time is an ISO-8601 text")
    when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        raise ValueError("a time without its time zone")
    return when.astimezone(dt.timezone.utc)
