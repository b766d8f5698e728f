"""Reports as the gateway hands them on (`agent_reports_received`): checked there against the
contract, with the report's id, computer, partner and time of arrival added. Read here with the
gateway's own plain-Python check (monitoring reads thousands a second). A message that holds anything
else was not written by a gateway of this release: it is parked whole for an operator
(`Unprocessable`), nothing of it stored.
"""

from portal_common.event_handlers import Unprocessable
from portal_common.schemas.monitoring import REPORT_FIELDS, plain_utc, plainly_valid_report

ADDED_TEXTS = ("id", "computer_id", "partner_id")


def reports_of(message):
    """The message's reports, each with its times as aware datetimes."""
    reports = message.get("reports") if isinstance(message, dict) else None
    if not isinstance(reports, list) or not reports:
        raise Unprocessable("a message of reports without a list of them")
    return [report_from_message(report) for report in reports]


def report_from_message(message):
    if not isinstance(message, dict):
        raise Unprocessable("a report is a JSON object")
    report = plainly_valid_report({key: value for key, value in message.items() if key in REPORT_FIELDS})
    received_at = plain_utc(message.get("received_at"))
    if report is None or received_at is None or not all(isinstance(message.get(key), str) for key in ADDED_TEXTS):
        raise Unprocessable(f"not a report as the gateway hands it on: {message.get('id')!r}")
    request_id = message.get("request_id")
    return {
        **report,
        **{key: message[key] for key in ADDED_TEXTS},
        "received_at": received_at,
        "request_id": request_id if isinstance(request_id, str) else None,
    }
