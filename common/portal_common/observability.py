"""`Observer`, a dependency of every service and the gateway: the process's JSON logs and metrics
endpoint (`portal_common.logs`, `portal_common.metrics`), and for each worker the request's context
on its log lines and its entrypoint timed by outcome."""

import logging
import time
from typing import Any

from nameko.extensions import DependencyProvider
from nameko.timer import Timer

from portal_common import logs, metrics, request_context
from portal_common.errors import PortalError

log = logging.getLogger("portal.entrypoints")


class Observer(DependencyProvider):
    def setup(self) -> None:
        logs.configure(self.container.config, self.container.service_name)
        metrics.serve(self.container.config)
        self._started: dict[Any, float] = {}

    def worker_setup(self, worker_ctx: Any) -> None:
        data = worker_ctx.context_data
        first = worker_ctx.args[0] if worker_ctx.args else None
        event = first if isinstance(first, dict) else {}
        logs.set_context(
            request_id=data.get(request_context.REQUEST_ID),
            employee_id=data.get(request_context.ACTOR_ID),
            partner_id=data.get(request_context.PARTNER_ID),
            event_id=event.get("event_id"),
        )
        if isinstance(first, list) and len(first) > 1:  # events handled together: each one's request
            logs.set_context(
                request_ids=sorted({e["request_id"] for e in first if isinstance(e, dict) and e.get("request_id")})
            )
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx: Any, result: Any = None, exc_info: Any = None) -> None:
        started = self._started.pop(worker_ctx, None)
        if started is None:
            return
        if exc_info is None:
            outcome = "ok"
        else:
            outcome = "refused" if isinstance(exc_info[1], PortalError) and exc_info[1].status < 500 else "error"
        seconds = time.perf_counter() - started
        name = worker_ctx.entrypoint.method_name
        metrics.ENTRYPOINTS.labels(self.container.service_name, name, outcome).observe(seconds)
        # One line per request, call and event, carrying the request's context (timers' ticks: DEBUG).
        level = logging.DEBUG if isinstance(worker_ctx.entrypoint, Timer) else logging.INFO
        log.log(level, "%s %s in %.1f ms", name, outcome, seconds * 1000)

    def worker_teardown(self, worker_ctx: Any) -> None:
        self._started.pop(worker_ctx, None)
        logs.clear_context()
