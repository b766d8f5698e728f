"""`make test` runs the suite in parts at once: every module in exactly one part, whole, the parts
even by the recorded seconds, the modules marked alone in none of them, and the run's status the
worst part's."""

import importlib.util
import subprocess
import sys

import pytest

from tests.harness import ROOT
from tests.shards import assign, parse_shard


def runner():
    spec = importlib.util.spec_from_file_location("run_tests", ROOT / "scripts" / "run_tests.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_modules_go_longest_first_onto_the_least_loaded_part():
    seconds = {"a.py": 100, "b.py": 60, "c.py": 50, "d.py": 10}

    parts = assign(set(seconds) | {"new.py"}, seconds, 2)  # a module not recorded counts as an average one

    assert set(parts) == set(seconds) | {"new.py"} and parts["a.py"] != parts["b.py"]
    loads = [sum(seconds.get(module, 55) for module, part in parts.items() if part == index) for index in (0, 1)]
    assert sorted(loads) == [125, 150]


@pytest.mark.parametrize("text", ["0/2", "3/2", "1-2", "x/y"])
def test_a_shard_is_k_of_n(text):
    with pytest.raises(pytest.UsageError):
        parse_shard(text)


def test_the_parts_and_the_modules_alone_are_the_whole_suite_once():
    shards = ("1/1", "1/2", "2/2", "alone")
    listings = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pytest",
                "--collect-only",
                "-q",
                f"--shard={shard}",
                "tests/faults",
                "tests/common",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for shard in shards
    ]
    everything, first, second, alone = (
        [line for line in listing.communicate(timeout=120)[0].splitlines() if "::" in line] for listing in listings
    )

    assert alone and first and second
    assert sorted(first + second + alone) == sorted(everything + alone)
    assert not {line.split("::")[0] for line in first} & {line.split("::")[0] for line in second}
    assert {line.split("::")[0] for line in alone} == {
        "tests/faults/test_mixed_load.py",
        "tests/faults/test_broker_restart.py",
        "tests/faults/test_sign_in_flood.py",
        "tests/faults/test_slow_clients.py",
    }


def test_the_run_fails_when_any_part_fails_and_a_part_left_empty_is_no_failure():
    worst = runner().worst
    assert worst([0, 0]) == 0
    assert worst([0, 1]) == 1
    assert worst([0, 5]) == 0  # a narrow selection left that part nothing to run
    assert worst([5, 5]) == 5
    assert worst([2, 0]) == 2
