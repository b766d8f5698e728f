"""A report as the gateway hands it on keeps the request that brought it; a message of the release
before, without one, is read as before."""

from monitoring.adapters.report_messages import report_from_message

MESSAGE = {
    "id": "report-1",
    "computer_id": "computer-1",
    "partner_id": "partner-1",
    "started_at": "2026-12-03T05:00:00Z",
    "finished_at": "2026-12-03T05:30:00Z",
    "status": "success",
    "bytes_selected": 2048,
    "bytes_backed_up": 1024,
    "files": 3,
    "received_at": "2026-12-03T05:30:01Z",
}


def test_the_request_that_brought_a_report_is_kept_and_a_missing_or_odd_one_is_none():
    assert report_from_message({**MESSAGE, "request_id": "req-7"})["request_id"] == "req-7"
    assert report_from_message(MESSAGE)["request_id"] is None
    assert report_from_message({**MESSAGE, "request_id": 7})["request_id"] is None
