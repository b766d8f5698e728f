"""Load from wrk (Debian's package): many keep-alive connections from a C client, so the figures
measure the system, not the load generator."""

import dataclasses
import json
import os
import pathlib
import shutil
import subprocess
import uuid

SCRIPT = pathlib.Path(__file__).with_name("wrk.lua")


@dataclasses.dataclass
class Load:
    """One wrk run's outcome."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    statuses: dict
    ids: list  # the "id" of every 202 answer, when asked for
    settled_seconds: float = 0.0  # after the load, until the work it set off was done (when waited for)

    @property
    def rps(self):
        """Requests a second, over the load and the wait for the work it set off."""
        return self.requests / (self.seconds + self.settled_seconds)

    def count(self, status):
        return self.statuses.get(str(status), 0)


def available():
    return shutil.which("wrk") is not None


def run(
    url,
    *,
    connections,
    seconds,
    method="GET",
    body=None,
    auth=None,
    auths=(),
    bodies=(),
    threads=2,
    ids_file=None,
    idempotency="",
    paths=(),
):
    """One run of wrk. `idempotency`: a prefix of the key each request gets, new in every run (a
    key used again would answer the first order's answer, not place one)."""
    env = {
        **os.environ,
        "BENCH_METHOD": method,
        "BENCH_BODY": json.dumps(body) if body is not None else "",
        "BENCH_AUTH": auth or "",
        "BENCH_AUTHS": "|".join(auths),
        "BENCH_BODIES": "\n".join(json.dumps(item) for item in bodies),
        "BENCH_IDS_FILE": str(ids_file or ""),
        "BENCH_IDEMPOTENCY": f"{idempotency}-{uuid.uuid4().hex[:8]}" if idempotency else "",
        "BENCH_PATHS": "\n".join(paths),
    }
    command = [
        "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(SCRIPT),
        url,
    ]
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    data = json.loads(line[len("BENCH ") :])
    return Load(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["errors"],
        statuses=data["statuses"],
        ids=pathlib.Path(ids_file).read_text().split() if ids_file else [],
    )
