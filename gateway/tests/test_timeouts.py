"""The gateway never hangs: a service that is missing or does not answer in time is 503."""

import time

import eventlet
import requests
from nameko.rpc import rpc

from tests.harness import free_port

from gateway.service import BACKING_SERVICES, GatewayService

TIMEOUT = 1.0


class SilentIdentity:
    """Takes the identity queue and never answers in time."""

    name = "identity"

    @rpc
    def authenticate(self, token):
        eventlet.sleep(TIMEOUT * 5)

    @rpc
    def ping(self):
        eventlet.sleep(TIMEOUT * 5)


def start_gateway(container_factory, rabbit_config):
    port = free_port()
    config = {**rabbit_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "RPC_TIMEOUT_SECONDS": TIMEOUT}
    container_factory(GatewayService, config).start()
    return f"http://127.0.0.1:{port}", config


def test_a_service_that_is_not_running_is_503_at_once(container_factory, rabbit_config):
    base, _ = start_gateway(container_factory, rabbit_config)
    started = time.monotonic()
    answer = requests.get(base + "/v1/me", headers={"Authorization": "Bearer x"}, timeout=10)
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "service_unavailable"
    assert time.monotonic() - started < TIMEOUT + 1


def test_a_service_that_does_not_answer_is_503_within_the_timeout(container_factory, rabbit_config):
    base, config = start_gateway(container_factory, rabbit_config)
    container_factory(SilentIdentity, config).start()
    started = time.monotonic()
    answer = requests.get(base + "/v1/me", headers={"Authorization": "Bearer x"}, timeout=10)
    elapsed = time.monotonic() - started
    assert answer.status_code == 503
    assert answer.json() == {
        "error": {
            "code": "service_unavailable",
            "message": "The identity service did not answer in time.",
            "details": {"service": "identity"},
        }
    }
    assert TIMEOUT <= elapsed < TIMEOUT + 1


def test_health_marks_the_failing_service_and_livez_does_not_care(container_factory, rabbit_config):
    base, _ = start_gateway(container_factory, rabbit_config)
    health = requests.get(base + "/health", timeout=10)
    assert health.status_code == 503
    assert health.json() == {"status": "degraded", "services": {name: "unavailable" for name in BACKING_SERVICES}}
    livez = requests.get(base + "/livez", timeout=10)
    assert livez.status_code == 200 and livez.json() == {"status": "ok"}
