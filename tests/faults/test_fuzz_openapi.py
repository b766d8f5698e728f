"""Schema-driven fuzzing of every route `/openapi.json` documents (schemathesis): valid and invalid
bodies, queries, ids and headers, as an owner (every permission) and, on the agent route, as an
agent. No answer is a 5xx, none breaks the documented schema (status, content type, body), none
carries a stack trace, and every one carries the security headers.

Bounded: a few examples per route (`MAX_EXAMPLES`), no deadline per example, no example database."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.faults.answers import assert_safe_answer, owner_with_a_computer
from tests.flows import sign_in_token

from gateway.openapi import openapi_document

MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# The document the gateway serves at /openapi.json (the first test checks that it is the same).
schema = schemathesis.openapi.from_dict(openapi_document())


@pytest.fixture(scope="module")
def fuzzer(system):
    """An owner with a customer account, a computer (its agent key) and a trial, so that fuzzed
    requests meet real data too."""
    return owner_with_a_computer(system)


def _auth_headers(system, fuzzer, case):
    if case.operation.path.startswith("/v1/agent/"):
        return {"Authorization": f"Agent {fuzzer.agent_key}"}
    if case.operation.method.upper() == "DELETE" and case.operation.path == "/v1/sessions/current":
        # Signing out ends the session it is called with: a session of its own each time.
        return {"Authorization": f"Bearer {sign_in_token(system, fuzzer.owner.email, fuzzer.owner.password)}"}
    return {"Authorization": f"Bearer {fuzzer.owner.token}"}


def test_the_fuzzed_document_is_the_one_served(system):
    served = system.client().get("/openapi.json")
    assert served.status_code == 200
    assert served.json() == openapi_document()
    assert len(list(schema.get_all_operations())) == sum(
        len(operations) for operations in served.json()["paths"].values()
    )


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_documented_route_holds_its_schema_under_fuzzing(case, system, fuzzer):
    # A generated Authorization header (a wrong one, fuzzing authentication) wins over ours.
    headers = {**_auth_headers(system, fuzzer, case), **(case.headers or {})}
    response = case.call(base_url=system.base_url, headers=headers, timeout=30)
    case.validate_response(response, checks=CHECKS, headers=headers)
    assert_safe_answer(response)
