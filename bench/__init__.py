"""`make bench`: the benchmark suite of issue 6 (see docs/BENCHMARKS.md and `python -m bench --help`)."""
