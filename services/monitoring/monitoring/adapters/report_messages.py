"""Reports as the gateway hands them on: checked there against the contract, with the report's id,
computer, partner and time of arrival added. Read here with the gateway's own plain-Python check
(monitoring reads thousands a second); what is not such a report raises `ValueError`, and is
dropped, not retried.
"""
from portal_common.schemas.monitoring import REPORT_FIELDS, plain_utc, plainly_valid_report

ADDED_TEXTS = ("id", "computer_id", "partner_id")


def report_from_message(message):
    """The report's values, its times as aware datetimes."""
    if not isinstance(message, dict):
        raise ValueError("a report message is a JSON object")
    report = plainly_valid_report({key: value for key, value in message.items() if key in REPORT_FIELDS})
    received_at = plain_utc(message.get("received_at"))
    if report is None or received_at is None or not all(isinstance(message.get(key), str) for key in ADDED_TEXTS):
        raise ValueError("not a report as the gateway hands it on")
    return {**report, **{key: message[key] for key in ADDED_TEXTS}, "received_at": received_at}
