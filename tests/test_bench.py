"""`make bench` runs: the whole benchmark at its tiny size (figures are not judged here: benchmarks
are not tests; that no acknowledged report is lost is)."""

import os
import subprocess
import sys

from tests.harness import ROOT


def test_the_benchmark_runs_and_writes_its_table(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nWritten by hand.\n\n<!-- bench:begin -->\nold\n<!-- bench:end -->\n\nAfter.\n")
    subprocess.run(
        [sys.executable, "-m", "bench", "--size", "tiny", "--out", str(out)], cwd=ROOT, check=True, timeout=600
    )
    text = out.read_text()
    assert text.startswith("# Benchmarks\n\nWritten by hand.") and text.endswith("\n\nAfter.\n")
    assert "\nold\n" not in text
    for figure in (
        "(a) GET /livez",
        "(b) GET /bench/rpc",
        "raw nameko RPC",
        "GET /v1/me",
        "GET /v1/accounts",
        "GET /v1/monitoring/overview",
        "POST /v1/agent/reports",
        "in one process",
        "overview, SQLite",
        "not backing up, first page, SQLite",
        "accounts, first page, SQLite",
        "identity instance(s)",
        "POST /v1/orders beside the other",
        "GET /v1/accounts/{id} beside the other",
        "POST /v1/orders with account_id",
        "beside 32 clients signing in",
        "new customer: POST /v1/accounts, then its trial",
        "sign-in with the second factor",
        "POST /v1/accounts/{id}/computers",
        "all kinds at once",
    ):
        assert figure in text, figure
    if len(os.sched_getaffinity(0)) >= 2:
        assert "identity instance(s), one core each" in text
    stored = next(line for line in text.splitlines() if "stored by monitoring" in line)
    assert "| met |" in stored and " 0 of them not stored" in stored
    for mixed in (line for line in text.splitlines() if "beside the other" in line or line.startswith("| workload |")):
        assert "all kinds at once" in mixed or "| 0 other answers or errors" in mixed, mixed
