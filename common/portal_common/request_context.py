"""What travels with every call and event of one request: nameko carries a worker's context data
in each message's headers (`nameko.<key>`), so the gateway sets these once and every service the
request reaches sees them, and stamps them on the events it writes."""

from typing import Any

REQUEST_ID = "request_id"  # the gateway's X-Request-Id
ACTOR_ID = "actor_id"  # the signed-in employee, once the gateway has authenticated them
PARTNER_ID = "partner_id"  # their partner (for the log lines of every service the request reaches)


def of_worker(worker_ctx: Any) -> tuple[str | None, str | None]:
    """(actor id, request id) of the worker's request: None for what no person asked for."""
    data = worker_ctx.context_data
    return data.get(ACTOR_ID), data.get(REQUEST_ID)
