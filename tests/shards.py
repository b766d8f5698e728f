"""`pytest --shard K/N`: the K-th of N parts of the suite, whole modules each, balanced by how long
each module took (`tests/module_seconds.json`). `scripts/run_tests.py` runs the N parts at once: a
module boots its own system, so the suite's wall time is mostly waiting (on the broker, on timers,
on other processes) that two processes share well on two cores.

A module marked `alone` (its figures would be spoilt by another process beside it: load, timing) is
in no part: `--shard alone` runs those modules, and the runner runs them after the parts.

The seconds are refreshed with `scripts/run_tests.py --record` after a whole run; a module they do
not name yet counts as an average one.
"""

import collections
import json
import pathlib

import pytest

MODULE_SECONDS = pathlib.Path(__file__).with_name("module_seconds.json")
ALONE = "alone"
_spent = collections.Counter()  # seconds per module in this run (setup, call and teardown)


def pytest_addoption(parser):
    parser.addoption(
        "--shard", help="K/N: only the K-th of N balanced parts of the modules not marked alone; alone: only those"
    )
    parser.addoption("--record-seconds", help="write the seconds each module took to this JSON file")


def parse_shard(text):
    if text == ALONE:
        return None, None
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise pytest.UsageError(f"--shard takes K/N (e.g. 1/2), not {text!r}") from None
    if not 1 <= index <= count:
        raise pytest.UsageError(f"--shard {text}: K must be between 1 and N")
    return index - 1, count


def module_of(item):
    return item.nodeid.split("::", 1)[0]


def assign(modules, seconds, count):
    """Longest first onto the least loaded part: each module's part index."""
    average = sum(seconds.values()) / len(seconds) if seconds else 1.0
    loads, parts = [0.0] * count, {}
    for module in sorted(modules, key=lambda name: (-seconds.get(name, average), name)):
        part = min(range(count), key=lambda index: (loads[index], index))
        parts[module] = part
        loads[part] += seconds.get(module, average)
    return parts


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    text = config.getoption("--shard")
    if not text:
        return
    index, count = parse_shard(text)
    alone = {module_of(item) for item in items if item.get_closest_marker(ALONE)}
    if index is None:
        kept = [item for item in items if module_of(item) in alone]
    else:
        seconds = json.loads(MODULE_SECONDS.read_text()) if MODULE_SECONDS.exists() else {}
        parts = assign({module_of(item) for item in items} - alone, seconds, count)
        kept = [item for item in items if parts.get(module_of(item)) == index]
    chosen = {id(item) for item in kept}
    config.hook.pytest_deselected(items=[item for item in items if id(item) not in chosen])
    items[:] = kept


def pytest_runtest_logreport(report):
    _spent[report.nodeid.split("::", 1)[0]] += report.duration


def pytest_sessionfinish(session):
    path = session.config.getoption("--record-seconds")
    if path:
        pathlib.Path(path).write_text(json.dumps({module: round(seconds, 1) for module, seconds in _spent.items()}))
