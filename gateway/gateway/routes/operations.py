"""Liveness, readiness and the OpenAPI document."""

import eventlet
from eventlet.greenpool import GreenPile

from portal_common import metrics
from portal_common.timer import every

from gateway.http import api
from gateway.openapi import openapi_document
from gateway.responses import json_response
from gateway.schemas import Health, Livez

# The services `/health` asks, each with a round trip over the bus.
BACKING_SERVICES = ("identity", "accounts", "billing", "monitoring", "notifications", "audit")
HEALTH_TIMEOUT_SECONDS = 3.0
# How often each gateway asks every service by itself, so `portal_backing_service_up` (and the alert on
# it) stays true where no one calls /health (probes ask /livez).
HEALTH_PROBE_CONFIG_KEY = "HEALTH_PROBE_SECONDS"
HEALTH_PROBE_SECONDS = 15


class OperationsRoutes:
    @api("GET", "/livez", tag="operations", summary="Liveness: the gateway alone, no bus.", responses={200: Livez})
    def livez(self, request):
        return json_response(200, {"status": "ok"})

    @api(
        "GET",
        "/health",
        tag="operations",
        summary="Readiness: a round trip to each service.",
        responses={200: Health, 503: Health},
    )
    def health(self, request):
        services = self._ask_every_service()
        healthy = all(state == "ok" for state in services.values())
        return json_response(200 if healthy else 503, {"status": "ok" if healthy else "degraded", "services": services})

    @every(HEALTH_PROBE_CONFIG_KEY, HEALTH_PROBE_SECONDS)
    def probe_services(self):
        self._ask_every_service()

    def _ask_every_service(self):
        pile = GreenPile(len(BACKING_SERVICES))
        for service in BACKING_SERVICES:
            pile.spawn(self._ping, service)
        services = dict(zip(BACKING_SERVICES, pile, strict=True))
        for service, state in services.items():
            metrics.SERVICE_UP.labels(service).set(1 if state == "ok" else 0)
        return services

    def _ping(self, service):
        try:
            with eventlet.Timeout(HEALTH_TIMEOUT_SECONDS):
                return getattr(self, service).ping()
        except (eventlet.Timeout, Exception):  # one dead service must not fail the whole answer
            return "unavailable"

    @api(
        "GET",
        "/bench/rpc",
        tag="operations",
        enabled_by="BENCH_ROUTES",
        summary="One trivial round trip to identity: the ceiling of any route that needs one hop.",
    )
    def bench_rpc(self, request):
        return json_response(200, {"status": self.identity.ping()})

    @api("GET", "/openapi.json", tag="operations", summary="This API as an OpenAPI 3 document.", responses={200: None})
    def openapi(self, request):
        return json_response(200, openapi_document())
