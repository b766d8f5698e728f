"""docs/operations: the Prometheus alert rules and the Grafana dashboard name only metrics the
processes export (promtool is not available here: they are parsed, and their metrics looked up)."""

import json
import re

import yaml
from prometheus_client import REGISTRY

from portal_common import metrics  # noqa: F401 - declares every metric in the registry
from tests.harness import ROOT

OPERATIONS = ROOT / "docs" / "operations"
METRIC = re.compile(r"\b(portal_[a-z_]+)\b")
SAMPLE_SUFFIXES = {"histogram": ("_bucket", "_count", "_sum"), "counter": ("_total",), "gauge": ("",)}
ALERTS_ASKED = {
    "server errors": "portal_http_request_seconds_count",
    "dead letters": "portal_events_dead_lettered_total",
    "outbox age": "portal_outbox_oldest_seconds",
    "a service missing": "portal_backing_service_up",
}


def exported():
    names = set()
    for family in REGISTRY.collect():
        names.update(family.name + suffix for suffix in SAMPLE_SUFFIXES.get(family.type, ("",)))
    return names


def alert_rules():
    return [
        rule for group in yaml.safe_load((OPERATIONS / "alerts.yml").read_text())["groups"] for rule in group["rules"]
    ]


def dashboard_exprs():
    dashboard = json.loads((OPERATIONS / "grafana-dashboard.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def test_every_alert_is_whole_and_names_exported_metrics():
    rules = alert_rules()
    for rule in rules:
        assert {"alert", "expr", "labels", "annotations"} <= set(rule), rule
        assert rule["annotations"]["summary"] and rule["labels"]["severity"] in ("page", "ticket")
        assert set(METRIC.findall(rule["expr"])) <= exported(), rule["expr"]
    named = {name for rule in rules for name in METRIC.findall(rule["expr"])}
    assert set(ALERTS_ASKED.values()) <= named


def test_every_dashboard_panel_queries_exported_metrics():
    exprs = dashboard_exprs()
    assert len(exprs) >= 10
    for expr in exprs:
        assert METRIC.findall(expr) and set(METRIC.findall(expr)) <= exported(), expr
    # Each metric family the processes export is on the dashboard.
    on_dashboard = {re.sub(r"_(bucket|count|sum|total)$", "", name) for expr in exprs for name in METRIC.findall(expr)}
    families = {family.name for family in REGISTRY.collect() if family.name.startswith("portal_")}
    assert families <= on_dashboard, families - on_dashboard
