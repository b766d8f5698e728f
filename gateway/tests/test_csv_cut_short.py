"""A CSV whose later page does not come: the client sees the connection cut, never a shorter file
that looks whole; the rows before it did arrive."""

import time

import eventlet
import pytest
import requests
from nameko.rpc import rpc

from tests.harness import free_port

from gateway.csv_lists import CSV_PAGE_SIZE
from gateway.service import GatewayService

TIMEOUT = 1.0
PAGES_ANSWERED = 2


class OwnerIdentity:
    name = "identity"

    @rpc
    def authenticate(self, token):
        return {
            "id": "e1",
            "partner_id": "p1",
            "role": "owner",
            "session_id": "s1",
            "email": "o@example.com",
            "name": "Olive",
            "session_expires_at": time.time() + 3600,
        }


class MonitoringThatStalls:
    """Answers the first pages of computers, then stops answering."""

    name = "monitoring"

    @rpc
    def list_computers(self, caller, query):
        number = int(query["cursor"] or 0)
        if number >= PAGES_ANSWERED:
            eventlet.sleep(TIMEOUT * 5)
        items = [
            {
                "id": f"c{number}-{n}",
                "name": f"PC {n}",
                "kind": "workstation",
                "account_id": "a1",
                "account_name": "Contoso",
                "status": "ok",
                "last_backup_at": None,
                "last_status": None,
                "last_success_at": None,
                "bytes_backed_up": 0,
            }
            for n in range(query["limit"])
        ]
        return {"items": items, "next_cursor": str(number + 1)}


@pytest.fixture
def gateway_url(container_factory, rabbit_config):
    port = free_port()
    config = {**rabbit_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "RPC_TIMEOUT_SECONDS": TIMEOUT}
    container_factory(GatewayService, config).start()
    container_factory(OwnerIdentity, config).start()
    container_factory(MonitoringThatStalls, config).start()
    return f"http://127.0.0.1:{port}"


def test_a_page_that_does_not_come_cuts_the_connection(gateway_url):
    response = requests.get(
        gateway_url + "/v1/monitoring/computers",
        stream=True,
        timeout=10,
        headers={"Authorization": "Bearer t", "Accept": "text/csv"},
    )
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    received = b""
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for chunk in response.iter_content(chunk_size=None):
            received += chunk
    lines = received.decode().splitlines()
    assert lines[0].startswith("id,name,kind,") and len(lines) == 1 + PAGES_ANSWERED * CSV_PAGE_SIZE
