"""The web portal's static files: served from `gateway/web/` with the right type and headers, never
a file outside it, and not part of the JSON API's OpenAPI document."""

import http.client
import pathlib
import re
import urllib.parse

import pytest
import requests

from tests.harness import free_port

from gateway.openapi import openapi_document, routes
from gateway.routes.web import ASSETS, INDEX, WebRoutes, load_assets
from gateway.service import GatewayService

WEB = INDEX.parent


@pytest.fixture
def gateway(container_factory, rabbit_config):
    port = free_port()
    container_factory(GatewayService, {**rabbit_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"}).start()
    return f"127.0.0.1:{port}"


def raw_get(address, path):
    """GET `path` byte for byte (no client normalising `..` or percent-escapes away)."""
    host, port = address.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_the_page_is_served_with_a_policy_that_allows_no_outside_host(gateway):
    answer = requests.get(f"http://{gateway}/", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    policy = dict(part.strip().split(" ", 1) for part in answer.headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data: blob:"  # the QR code (data:) and the logo (blob:)
    assert policy["connect-src"] == "'self'" and policy["object-src"] == "'none'"
    assert "unsafe" not in answer.headers["Content-Security-Policy"]
    assert '<script type="module" src="/assets/app.js">' in answer.text


@pytest.mark.parametrize(
    "name, content_type",
    [
        ("app.js", "text/javascript; charset=utf-8"),
        ("portal.css", "text/css; charset=utf-8"),
        ("favicon.svg", "image/svg+xml"),
    ],
)
def test_assets_have_their_type_and_are_revalidated_cheaply(gateway, name, content_type):
    answer = requests.get(f"http://{gateway}/assets/{name}", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == content_type
    assert answer.content == (ASSETS / name).read_bytes()
    assert answer.headers["Cache-Control"] == "no-cache"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    etag = answer.headers["ETag"]
    again = requests.get(f"http://{gateway}/assets/{name}", headers={"If-None-Match": etag}, timeout=10)
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag


@pytest.mark.parametrize(
    "path",
    [
        "/assets/../service.py",
        "/assets/%2e%2e/service.py",
        "/assets/%2E%2E/routes/web.py",
        "/assets/..%2fservice.py",
        "/assets/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/assets/..%5cservice.py",
        "/assets/....//service.py",
        "/assets/%252e%252e/service.py",
        "/assets//etc/passwd",
        "/assets/%2fetc%2fpasswd",
        "/assets/../../../../etc/passwd",
        "/assets/./app.js",
        "/assets/nothing.js",
        "/assets/",
        "/index.html/../../service.py",
    ],
)
def test_nothing_outside_the_assets_folder_is_served(gateway, path):
    response, body = raw_get(gateway, path)
    if response.status == 308:  # werkzeug merges a double slash with a redirect: it must lead to a 404 too
        location = urllib.parse.urlsplit(response.getheader("Location")).path
        assert location.startswith("/assets/"), location
        response, body = raw_get(gateway, location)
    assert response.status == 404, (path, response.status, body[:200])
    assert response.getheader("Content-Type") == "application/json"
    assert b"import" not in body and b"root:" not in body


def test_only_get_is_answered(gateway):
    answer = requests.post(f"http://{gateway}/assets/app.js", timeout=10)
    assert answer.status_code == 405
    assert answer.json()["error"]["code"] == "method_not_allowed"


def test_the_pages_are_not_part_of_the_api_document():
    document = openapi_document()
    assert "/" not in document["paths"]
    assert not [path for path in document["paths"] if path.startswith("/assets")]
    names = {name for name, _ in routes(GatewayService)}
    assert "portal_index" not in names and "portal_asset" not in names
    # ... yet the gateway serves them.
    assert {"portal_index", "portal_asset"} <= {name for name in dir(WebRoutes) if name.startswith("portal_")}


def test_every_module_the_page_imports_is_there():
    served = load_assets()
    index = INDEX.read_text()
    referenced = set(re.findall(r'(?:src|href)="/assets/([^"]+)"', index))
    assert referenced and referenced <= set(served)
    for name in [n for n in served if n.endswith(".js")]:
        source = (ASSETS / name).read_text()
        for target in re.findall(r'^import [^;]*? from "\./([^"]+)";', source, re.M):
            assert target in served, (name, target)


def test_no_file_names_an_outside_host():
    for path in [INDEX, *sorted(ASSETS.iterdir())]:
        text = path.read_text()
        hosts = set(re.findall(r"https?://([^/\"'\s)]+)", text)) - {"www.w3.org"}  # the SVG namespace
        assert not hosts, (path.name, hosts)


def test_the_package_ships_the_files():
    pyproject = (WEB.parent.parent / "pyproject.toml").read_text()
    assert '"web/*.html", "web/assets/*"' in pyproject
    assert all(path.parent == ASSETS for path in ASSETS.rglob("*") if path.is_file())
    assert pathlib.Path(ASSETS / "app.js").is_file()
