"""`make test`'s pytest: the suite in parts run at once (`tests/shards.py`), each part its own pytest
process, every line it prints shown prefixed with its part; then the modules marked `alone`, by
themselves. The exit status is the worst part's.

    scripts/run_tests.py [--shards N] [--record] [pytest arguments ...]

N defaults to TEST_SHARDS, else 2: the suite waits more than it computes, and two parts on two cores
took 424 s, three 433 s. `--record` rewrites `tests/module_seconds.json` from this run's timings, to
keep the parts even as modules come and go.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import time

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
    """The recorded seconds per test module, with those of the modules this run ran (from each part's
    `--record-seconds` file) replaced."""
    seconds = json.loads(MODULE_SECONDS.read_text()) if MODULE_SECONDS.exists() else {}
    for report in reports:
        if report.exists():
            seconds.update(json.loads(report.read_text()))
    return dict(sorted(seconds.items()))


def run_at_once(parts, reports, pytest_args, record):
    """One pytest process per part (`--shard <part>`), all at once; answers their exit statuses."""
    lock, processes, relays = threading.Lock(), [], []
    for part, report in zip(parts, reports, strict=True):
        command = [sys.executable, "-m", "pytest", f"--shard={part}", *pytest_args]
        if record:
            command.append(f"--record-seconds={report}")
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
        )
        thread = threading.Thread(target=relay, args=(part, process.stdout, lock))
        thread.start()
        processes.append(process)
        relays.append(thread)
    try:
        statuses = [process.wait() for process in processes]
    finally:  # the runner stopped (Ctrl-C, a signal): so are its parts
        for process in processes:
            if process.poll() is None:
                process.terminate()
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
        reports = [pathlib.Path(folder) / f"part-{index}.json" for index in range(len(parts) + 1)]
        statuses = run_at_once(parts, reports[:-1], pytest_args, args.record)
        statuses += run_at_once(["alone"], reports[-1:], pytest_args, args.record)
        if args.record and worst(statuses) == 0:
            MODULE_SECONDS.write_text(json.dumps(module_seconds(reports), indent=1) + "\n")
            print(f"recorded {MODULE_SECONDS.relative_to(ROOT)}")
    took = time.monotonic() - started
    print(f"{args.shards} part(s) at once, then the modules marked alone: {took:.0f} s; exit statuses {statuses}")
    return worst(statuses)


if __name__ == "__main__":
    sys.exit(main())
