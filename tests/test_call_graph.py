"""Calls go one way: the graph of who calls whom over RPC, read from the services' own dependencies,
has no cycle (a cycle of synchronous calls deadlocks both worker pools under load). The README draws
the same graph."""

import pathlib
import re

from nameko.rpc import RpcProxy

from tests.harness import SERVICES, _gateway

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def calls(service_class):
    """The services `service_class` calls over RPC (its own dependencies and its mixins')."""
    return {
        value.target_service
        for klass in service_class.__mro__
        for value in vars(klass).values()
        if isinstance(value, RpcProxy)
    }


def call_graph():
    classes = [load() for _, load in SERVICES.values()] + [_gateway()]
    return {service_class.name: calls(service_class) for service_class in classes}


def cycle(graph):
    """A list of services calling round in a circle, or None."""
    visiting, done = [], set()

    def visit(name):
        if name in visiting:
            return visiting[visiting.index(name) :] + [name]
        if name in done:
            return None
        visiting.append(name)
        for callee in sorted(graph.get(name, ())):
            found = visit(callee)
            if found:
                return found
        visiting.pop()
        done.add(name)
        return None

    for name in sorted(graph):
        found = visit(name)
        if found:
            return found
    return None


def test_the_services_call_each_other_in_no_cycle():
    graph = call_graph()
    assert cycle(graph) is None, " -> ".join(cycle(graph))


def test_the_cycle_finder_finds_one():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_graph_is_the_one_the_readme_draws():
    drawn = set(re.findall(r"^\s+(\w+) -- RPC --> (\w+)", README.read_text(), re.MULTILINE))
    assert drawn == {(caller, callee) for caller, callees in call_graph().items() for callee in callees}
