"""`make bench`: start the system on its own vhost and databases, load it with wrk, and write the
figures, each beside its anchor measured in the same run, into docs/BENCHMARKS.md.

    python -m bench [--size tiny|full] [--out FILE] [--only SECTION ...]

Medians of `runs` runs per figure; ratios are taken against anchors of the same run, since these
machines are shared and their absolute speed drifts.
"""

import argparse
import pathlib
import signal
import tempfile

from bench import report, sections
from bench.sizes import SIZES

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _stop(*_):
    raise SystemExit(1)  # so that the stacks started are stopped too


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "docs" / "BENCHMARKS.md")
    parser.add_argument(
        "--only",
        nargs="*",
        choices=sections.NAMES,
        help="run only these sections (the table written then holds only their rows)",
    )
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    names = list(args.only or sections.NAMES)
    if "floors" not in names and set(names) & {"reads", "ingestion", "orders"}:
        names.insert(0, "floors")  # their anchors
    signal.signal(signal.SIGTERM, _stop)
    results = sections.Results()
    failed = None
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as data_dir:
        try:
            for name in names:
                print(f"bench: {name} ({args.size})", flush=True)
                sections.run(name, size, pathlib.Path(data_dir), results)
        except Exception as error:  # noqa: BLE001 - the figures taken so far are written, then it fails
            failed = error
            results.rows.append(sections.Row(name, "the section stopped", note=f"{type(error).__name__}: {error}"))
        finally:
            sections.finish(results)
    report.write(args.out, args.size, results)
    if failed is not None:
        raise failed
    print(f"bench: wrote {args.out}")
    for row in results.rows:
        print(f"  {row.name:<58} {row.figure():>14}  {row.ratio_text():>8}  {row.verdict()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
