"""`make simulate` against a running system: the portal comes alive."""

import importlib.util
import pathlib
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_simulator():
    spec = importlib.util.spec_from_file_location("simulate", ROOT / "scripts" / "simulate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_one_round_of_the_simulator_shows_up_in_the_partners_views(system, clock):
    simulate = load_simulator()
    email = "sim-owner@example.com"
    system.client().post(
        "/v1/signup", json={"company_name": "Sim", "name": "Sim", "email": email, "password": simulate.PASSWORD}
    )
    assert (
        simulate.main(["--url", system.base_url, "--accounts", "2", "--computers", "3", "--once", "--email", email])
        == 0
    )
    token = system.client().post("/v1/sessions", json={"email": email, "password": simulate.PASSWORD}).json()["token"]
    client = system.client(token)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        overview = client.get("/v1/monitoring/overview").json()
        if overview["computers"] == 6 and overview["computers_not_backing_up"] == 1 and overview["bytes_backed_up"]:
            break
        time.sleep(0.1)
    assert overview["accounts"] == 2 and overview["computers"] == 6
    assert overview["computers_not_backing_up"] == 1
    assert len(client.get("/v1/monitoring/computers", params={"status": "not_backing_up"}).json()["items"]) == 1
