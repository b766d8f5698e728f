"""The figures as a Markdown table, written between two markers of docs/BENCHMARKS.md so the prose
around them (analysis, before and after) stays as written."""

import datetime as dt
import importlib.metadata
import os
import platform
import subprocess

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
PACKAGES = ("nameko", "eventlet", "kombu", "amqp", "SQLAlchemy", "psycopg2-binary", "werkzeug")


def write(path, size, results):
    table = render(size, results)
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1] if END in rest else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{head}{BEGIN}\n{table}{END}{tail}")


def render(size, results):
    lines = [
        f"Run of {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, size `{size}`: {machine()}",
        "",
        f"Versions: {versions()}.",
        "",
        "| section | what | req/s | p50 ms | p99 ms | ratio | to (anchor, same run) | target | met | note |",
        "|---|---|---:|---:|---:|---:|---|---|---|---|",
    ]
    for row in results.rows:
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}x {'' if row.ratio_of == 'req/s' else row.ratio_of}"
        lines.append(
            "| "
            + " | ".join(
                [
                    row.section,
                    row.name,
                    _number(row.rps, "{:,.0f}"),
                    _number(row.p50_ms, "{:.1f}"),
                    _number(row.p99_ms, "{:.1f}"),
                    ratio.strip(),
                    row.anchor,
                    row.target,
                    row.verdict(),
                    row.note,
                ]
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


def _number(value, form):
    return "" if value is None else form.format(value)


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores ({model}), {system}, Python {platform.python_version()}"


def versions():
    found = []
    for package in PACKAGES:
        try:
            found.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            pass
    for command, label in ((["rabbitmqctl", "version"], "RabbitMQ"), (["wrk", "--version"], "")):
        try:
            output = subprocess.run(command, capture_output=True, text=True, timeout=20).stdout.strip()
            found.append(f"{label} {output.splitlines()[0]}".strip() if output else "")
        except (OSError, subprocess.TimeoutExpired):
            pass
    return ", ".join(item for item in found if item)
