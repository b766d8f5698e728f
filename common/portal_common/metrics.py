"""What every process counts and times, for Prometheus (`prometheus-client`): each process serves
its own at `METRICS_ADDRESS` (`host:port`, path `/metrics`); without it (the tests), nothing is
served and the counting costs a few dictionary lookups.

Labels are bounded: routes are the route's pattern (never a raw path), entrypoints and events are
names from the code, outcomes a handful of words.
"""

import logging
from collections.abc import Mapping
from typing import Any

from prometheus_client import Counter, Gauge, Histogram, start_http_server

ADDRESS_CONFIG_KEY = "METRICS_ADDRESS"
log = logging.getLogger(__name__)

# Seconds: a cached read is about a millisecond, the RPC timeout is 10 s.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

HTTP_REQUESTS = Histogram(
    "portal_http_request_seconds", "HTTP requests the gateway answered.", ["route", "method", "status"], buckets=BUCKETS
)
RPC_CALLS = Histogram(
    "portal_rpc_call_seconds",
    "RPC calls made to a service, by outcome (ok, error, timeout).",
    ["service", "method", "outcome"],
    buckets=BUCKETS,
)
ENTRYPOINTS = Histogram(
    "portal_entrypoint_seconds",
    "Entrypoints a service ran (RPC, events, timers), by outcome (ok, refused, error).",
    ["service", "entrypoint", "outcome"],
    buckets=BUCKETS,
)
EVENTS_PUBLISHED = Counter("portal_events_published_total", "Events published from the outbox.", ["service", "event"])
EVENTS_CONSUMED = Counter("portal_events_consumed_total", "Events handled and acknowledged.", ["service", "event"])
EVENTS_FAILED = Counter(
    "portal_events_failed_total", "Events whose handler failed (set aside to be tried again).", ["service", "event"]
)
EVENTS_DEAD_LETTERED = Counter(
    "portal_events_dead_lettered_total",
    "Events parked in a dead-letter queue after their last try.",
    ["service", "event"],
)
OUTBOX_BACKLOG = Gauge("portal_outbox_backlog", "Events written and not yet published.", ["service"])
OUTBOX_OLDEST_SECONDS = Gauge("portal_outbox_oldest_seconds", "Age of the oldest event not yet published.", ["service"])
WEBHOOK_DELIVERIES = Counter(
    "portal_webhook_deliveries_total", "Webhook delivery tries, by outcome (delivered, retry, failed).", ["outcome"]
)
REPORTS_INGESTED = Counter("portal_reports_ingested_total", "Agent reports stored by monitoring.", [])
SERVICE_UP = Gauge(
    "portal_backing_service_up", "Whether the service answered the gateway's last /health (1) or not.", ["service"]
)

_served: list[str] = []


def serve(config: Mapping[str, Any]) -> None:
    """Serve this process's metrics at `METRICS_ADDRESS`, once; a port taken is logged, not fatal."""
    address = str(config.get(ADDRESS_CONFIG_KEY) or "")
    if not address or _served:
        return
    host, _, port = address.rpartition(":")
    try:
        start_http_server(int(port), addr=host or "0.0.0.0")
    except (OSError, ValueError):
        log.error("metrics not served: %s is not an address this process can listen on", address, exc_info=True)
        return
    _served.append(address)
