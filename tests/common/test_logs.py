"""The one logging set-up: JSON lines stamped with the service and what the current green thread's
request is (request id, employee, partner, event), and nothing of another green thread's."""

import io
import json
import logging

import eventlet

from portal_common import logs


def lines_of(service, write):
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logs.json_formatter())
    handler.addFilter(logs.ContextFilter(service))
    logger = logging.getLogger(f"test.logs.{service}")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        write(logger)
    finally:
        logger.removeHandler(handler)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_line_is_json_with_time_level_service_logger_message_and_the_requests_context():
    def write(logger):
        logs.set_context(request_id="req-1", employee_id="e1", partner_id="p1", event_id=None)
        try:
            logger.info("ordered %s", "x")
        finally:
            logs.clear_context()
        logger.info("after")

    first, after = lines_of("billing", write)
    assert first["message"] == "ordered x" and first["level"] == "INFO" and first["logger"] == "test.logs.billing"
    assert first["service"] == "billing" and first["time"]
    assert (first["request_id"], first["employee_id"], first["partner_id"]) == ("req-1", "e1", "p1")
    assert "event_id" not in first
    assert "request_id" not in after and after["service"] == "billing"


def test_each_green_thread_has_its_own_request():
    seen = {}

    def worker(request_id, logger):
        logs.set_context(request_id=request_id)
        eventlet.sleep(0)  # the other worker runs meanwhile
        logger.info(request_id)
        logs.clear_context()

    def write(logger):
        pool = eventlet.GreenPool()
        for request_id in ("a", "b"):
            pool.spawn(worker, request_id, logger)
        pool.waitall()

    for line in lines_of("gateway", write):
        seen[line["message"]] = line["request_id"]
    assert seen == {"a": "a", "b": "b"}


def test_one_configuration_quiets_what_could_log_a_secret():
    config = logs.logging_config("identity", "DEBUG")
    assert config["loggers"]["nameko.rpc"]["level"] == "INFO"  # replies carry tokens at DEBUG
    assert config["root"]["level"] == "DEBUG"


def test_a_block_of_lines_carries_more_context_and_what_was_there_comes_back_after():
    def write(logger):
        logs.set_context(request_id="req-1")
        try:
            with logs.context(request_ids=["a", "b"], request_id="req-2"):
                logger.info("inside")
            logger.info("after")
        finally:
            logs.clear_context()

    inside, after = lines_of("monitoring", write)
    assert (inside["request_id"], inside["request_ids"]) == ("req-2", ["a", "b"])
    assert after["request_id"] == "req-1" and "request_ids" not in after
