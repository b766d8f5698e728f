from gateway.openapi import openapi_document, openapi_path, routes
from gateway.service import GatewayService


def test_every_route_is_documented_with_its_method():
    paths = openapi_document()["paths"]
    for name, entrypoint in routes(GatewayService):
        path = openapi_path(entrypoint.url)
        assert path in paths, path
        for method in entrypoint.method.split(","):
            assert paths[path][method.lower()]["operationId"] == name


def test_bodies_are_the_schemas_that_validate_them():
    document = openapi_document()
    signup = document["paths"]["/v1/signup"]["post"]
    ref = signup["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(schema["required"]) == {"company_name", "name", "email", "password"}
    assert schema["properties"]["password"]["minLength"] == 10
    assert schema["properties"]["password"]["maxLength"] == 128


def test_protected_routes_name_their_security_and_errors():
    me = openapi_document()["paths"]["/v1/me"]["get"]
    assert me["security"] == [{"bearer": []}]
    assert {"200", "401", "403", "503"} <= set(me["responses"])


def test_path_parameters_are_declared():
    operation = openapi_document()["paths"]["/v1/employees/{employee_id}"]["patch"]
    assert {"in": "path", "name": "employee_id", "required": True, "schema": {"type": "string"}} in operation[
        "parameters"
    ]


def test_it_is_openapi_3():
    document = openapi_document()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Partner Portal"
    assert document["info"]["version"] == "1.1.0"  # the contract's version, 1.1 additions included


def test_a_route_behind_a_setting_is_not_part_of_the_api():
    assert "/bench/rpc" not in openapi_document()["paths"]


def test_idempotency_keys_are_declared_required_or_optional():
    paths = openapi_document()["paths"]

    def key_of(path, method):
        (key,) = [p for p in paths[path][method]["parameters"] if p["in"] == "header"]
        return key

    assert key_of("/v1/orders", "post")["required"] is True
    report_key = key_of("/v1/agent/reports", "post")
    assert report_key["required"] is False and "stored once" in report_key["description"]
    assert report_key["schema"] == {"type": "string", "minLength": 1, "maxLength": 255}


def test_every_list_takes_limit_and_cursor():
    """Lists take ?limit= (1–200, default 50) and ?cursor=, the webhooks' too."""
    webhooks = openapi_document()["paths"]["/v1/webhooks"]["get"]
    assert [(p["name"], p["in"]) for p in webhooks["parameters"]] == [("limit", "query"), ("cursor", "query")]
