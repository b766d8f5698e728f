"""A route's method is checked against its URL once, when the gateway starts (not on every request)."""

import pytest
import requests
from nameko.exceptions import IncorrectSignature

from tests.harness import free_port

from gateway.http import api
from gateway.responses import json_response


class Routes:
    name = "routes_under_test"

    @api("GET", "/v1/things/<thing_id>/parts/<int:part>", summary="A part of a thing.")
    def part(self, request, thing_id, part):
        return json_response(200, {"thing": thing_id, "part": part})


class MisnamedRoutes:
    name = "misnamed_routes_under_test"

    @api("GET", "/v1/things/<thing_id>", summary="A thing.")
    def thing(self, request, id):
        return json_response(200, {"thing": id})


def config_for(rabbit_config):
    return {**rabbit_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}"}


def test_a_route_whose_method_takes_its_url_parts_starts_and_answers(container_factory, rabbit_config):
    config = config_for(rabbit_config)
    container_factory(Routes, config).start()
    answer = requests.get(f"http://{config['WEB_SERVER_ADDRESS']}/v1/things/t1/parts/3", timeout=5)
    assert answer.json() == {"thing": "t1", "part": 3}


def test_a_route_whose_method_does_not_take_its_url_parts_keeps_the_gateway_from_starting(
    container_factory, rabbit_config
):
    with pytest.raises(IncorrectSignature):
        container_factory(MisnamedRoutes, config_for(rabbit_config)).start()
