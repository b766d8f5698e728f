"""A raw nameko RPC round trip from a standalone client: `python -m bench.rpc_client AMQP_URI CALLS
CONCURRENCY SECONDS` prints one JSON line. Its own process, since it needs eventlet's patching."""

import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def sequential(config, calls):
    timings = []
    with ClusterRpcProxy(config) as cluster:
        cluster.identity.ping()
        for _ in range(calls):
            started = time.perf_counter()
            cluster.identity.ping()
            timings.append(time.perf_counter() - started)
    return statistics.median(timings), percentile(timings, 0.99)


def concurrent(config, concurrency, seconds):
    """Calls per second with `concurrency` callers, each on its own proxy (a proxy is not shared)."""
    deadline = time.monotonic() + seconds
    counts = []

    def caller():
        done = 0
        with ClusterRpcProxy(config) as cluster:
            cluster.identity.ping()
            started = time.monotonic()
            while time.monotonic() < deadline:
                cluster.identity.ping()
                done += 1
        counts.append((done, time.monotonic() - started))

    pool = eventlet.GreenPool(concurrency)
    for _ in range(concurrency):
        pool.spawn(caller)
    pool.waitall()
    return sum(done for done, _ in counts) / max(elapsed for _, elapsed in counts)


def main(amqp_uri, calls, concurrency, seconds):
    config = {"AMQP_URI": amqp_uri}
    median, p99 = sequential(config, int(calls))
    rate = concurrent(config, int(concurrency), float(seconds))
    print(json.dumps({"median_ms": median * 1000, "p99_ms": p99 * 1000, "concurrent_rps": rate}))


if __name__ == "__main__":
    main(*sys.argv[1:])
