"""`make test`'s pytest: the suite in parts run at once (`tests/shards.py`), each part its own pytest
process, every line it prints shown prefixed with its part; then the modules marked `alone`, by
themselves. The exit status is the worst part's.

    scripts/run_tests.py [--shards N] [--record] [pytest arguments ...]

N defaults to TEST_SHARDS, else 2: the suite waits more than it computes, and two parts on two cores
took 424 s, three 433 s. `--record` rewrites `tests/module_seconds.json` from this run's timings, to
keep the parts even as modules come and go.
"""

import argparse
import collections
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ElementTree

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODULE_SECONDS = ROOT / "tests" / "module_seconds.json"
DEFAULT_SHARDS = 2
NO_TESTS_COLLECTED = 5  # pytest's status for a part a narrow selection left empty


def relay(part, stream, lock):
    for line in stream:
        with lock:
            sys.stdout.write(f"[{part}] {line}")
            sys.stdout.flush()


def module_seconds(reports):
    """Seconds per test module (setup, call and teardown) from pytest's JUnit XML reports."""
    seconds = collections.Counter()
    for report in reports:
        for case in ElementTree.parse(report).iter("testcase"):
            path = case.get("file") or case.get("classname", "").replace(".", "/") + ".py"
            seconds[path] += float(case.get("time", 0))
    return {module: round(total, 1) for module, total in sorted(seconds.items())}


def run_at_once(parts, reports, pytest_args, record):
    """One pytest process per part (`--shard <part>`), all at once; answers their exit statuses."""
    lock, processes, relays = threading.Lock(), [], []
    for part, report in zip(parts, reports, strict=True):
        command = [sys.executable, "-m", "pytest", f"--shard={part}", *pytest_args]
        if record:
            command += ["--junitxml", str(report), "-o", "junit_family=xunit1"]
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        thread = threading.Thread(target=relay, args=(part, process.stdout, lock))
        thread.start()
        processes.append(process)
        relays.append(thread)
    statuses = [process.wait() for process in processes]
    for thread in relays:
        thread.join()
    return statuses


def worst(statuses):
    ran = [status for status in statuses if status != NO_TESTS_COLLECTED]
    if not ran:
        return NO_TESTS_COLLECTED
    failed = [status for status in ran if status != 0]
    return failed[0] if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shards", type=int, default=int(os.environ.get("TEST_SHARDS") or DEFAULT_SHARDS))
    parser.add_argument("--record", action="store_true", help="rewrite tests/module_seconds.json from this run")
    args, pytest_args = parser.parse_known_args()
    if args.shards < 1:
        parser.error("--shards must be at least 1")

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="portal-test-parts-") as folder:
        parts = [f"{part}/{args.shards}" for part in range(1, args.shards + 1)]
        reports = [pathlib.Path(folder) / f"part-{index}.xml" for index in range(len(parts) + 1)]
        statuses = run_at_once(parts, reports[:-1], pytest_args, args.record)
        statuses += run_at_once(["alone"], reports[-1:], pytest_args, args.record)
        if args.record and all(status == 0 for status in statuses):
            MODULE_SECONDS.write_text(json.dumps(module_seconds(reports), indent=1) + "\n")
            print(f"recorded {MODULE_SECONDS.relative_to(ROOT)}")
    took = time.monotonic() - started
    print(f"{args.shards} part(s) at once, then the modules marked alone: {took:.0f} s; exit statuses {statuses}")
    return worst(statuses)


if __name__ == "__main__":
    sys.exit(main())
