"""One logging set-up for every process: JSON lines with the time, level, service, logger and
message, and, where known, the request's id, the employee and partner it is for, and the event being
handled. The request id travels with every RPC and event (nameko's context data), so one grep for it
finds the request in every service it touched.

A process's config asks for it with `LOG_FORMAT: json` (every `config.yml`); test configurations
leave it out, and keep pytest's own log capture.
"""

import contextlib
import logging
import logging.config
from collections.abc import Iterator, Mapping
from typing import Any

from eventlet.corolocal import local
from pythonjsonlogger.json import JsonFormatter

FORMAT_CONFIG_KEY = "LOG_FORMAT"
LEVEL_CONFIG_KEY = "LOG_LEVEL"
# `request_ids`: the requests whose work one worker does at once (agents' reports, in batches).
CONTEXT_FIELDS = ("request_id", "request_ids", "employee_id", "partner_id", "event_id")
# Quiet by design: nameko logs each expected error (a 4xx) with its traceback at WARNING, and RPC
# replies whole at DEBUG (replies carry tokens and recovery codes).
QUIET_LOGGERS = {"nameko.containers": "ERROR", "nameko.rpc": "INFO", "nameko.standalone.rpc": "INFO"}

_context = local()  # one per green thread: a worker's request
_configured: list[str] = []  # a process is one service: the first to configure names it


def set_context(**values: Any) -> None:
    """Add to what the current worker's lines carry (None values are left out)."""
    for key, value in values.items():
        if key in CONTEXT_FIELDS:
            setattr(_context, key, value)


@contextlib.contextmanager
def context(**values: Any) -> Iterator[None]:
    """What the lines written inside carry besides; what was there before comes back after."""
    kept = {key: getattr(_context, key, None) for key in values if key in CONTEXT_FIELDS}
    set_context(**values)
    try:
        yield
    finally:
        for key, value in kept.items():
            if value is None and hasattr(_context, key):
                delattr(_context, key)
            elif value is not None:
                setattr(_context, key, value)


def clear_context() -> None:
    for key in CONTEXT_FIELDS:
        if hasattr(_context, key):
            delattr(_context, key)


class ContextFilter(logging.Filter):
    """Stamps each record with the service and what is known of the current request."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        for key in CONTEXT_FIELDS:
            value = getattr(_context, key, None)
            if value is not None:
                setattr(record, key, value)
        return True


def json_formatter() -> logging.Formatter:
    """One JSON object a line: time, level, logger, message, and what the context filter stamped."""
    return JsonFormatter(
        "%(levelname)s %(name)s %(message)s", timestamp="time", rename_fields={"levelname": "level", "name": "logger"}
    )


def logging_config(service: str, level: str = "INFO") -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter, "service": service}},
        "formatters": {"json": {"()": json_formatter}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"]}},
        "root": {"level": level, "handlers": ["console"]},
        "loggers": {name: {"level": quiet} for name, quiet in QUIET_LOGGERS.items()},
    }


def configure(config: Mapping[str, Any], service: str) -> None:
    """JSON lines for the process, once, when its config asks for them."""
    if config.get(FORMAT_CONFIG_KEY) != "json" or _configured:
        return
    _configured.append(service)
    logging.config.dictConfig(logging_config(service, str(config.get(LEVEL_CONFIG_KEY) or "INFO").upper()))
