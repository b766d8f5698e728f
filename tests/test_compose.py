"""docker-compose.yml can't be run here (no Docker engine): check it against what `make run` does,
and check each promise of the hardened file by reading it (the Dockerfile and Prometheus's
configuration too)."""

import http.server
import importlib.util
import os
import pathlib
import re
import stat
import subprocess
import threading

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
INFRASTRUCTURE = {"rabbitmq", "postgres", "migrate", "prometheus"}
CONTAINER_METRICS_ADDRESS = "0.0.0.0:9100"
# A Docker HEALTHCHECK or a migration loop that has not answered by then is broken, not slow.
SCRIPT_TIMEOUT_SECONDS = 20


def run_script():
    spec = importlib.util.spec_from_file_location("run_script", ROOT / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compose_services():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def _dockerfile_instructions():
    """(instruction, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [tuple(line.split(None, 1)) for line in lines]


def migrate_script():
    """The shell script of compose's `migrate`, as the shell sees it (compose's `$$` is `$`)."""
    command = compose_services()["migrate"]["command"]
    assert command[:2] == ["sh", "-c"] and len(command) == 3
    return command[2].replace("$$", "$")


def migration_line(folder, name):
    return f'migrate {folder} "${name.upper()}_DB_URI"'


def test_every_process_of_make_run_is_a_compose_service_started_the_same_way():
    run = run_script()
    compose = compose_services()
    assert set(compose) - INFRASTRUCTURE == set(run.PROCESSES)
    for name in run.PROCESSES:
        assert compose[name]["command"] == run.nameko_command(name), name
        config = ROOT / run.PROCESSES[name][0] / "config.yml"
        assert config.exists(), config


def test_services_can_scale():
    for name, service in compose_services().items():
        assert "container_name" not in service, f"{name} pins a container name: --scale would fail"
        if name not in INFRASTRUCTURE | {"gateway"}:
            assert "ports" not in service, f"{name} publishes a host port: --scale would fail"


def test_gateway_is_published_on_8000_and_listens_on_all_interfaces():
    gateway = compose_services()["gateway"]
    assert "8000:8000" in gateway["ports"]
    assert gateway["environment"]["GATEWAY_ADDRESS"] == "0.0.0.0:8000"


def test_every_service_reaches_the_broker_and_its_postgres_database():
    run = run_script()
    compose = compose_services()
    for name, (folder, _, has_db) in run.PROCESSES.items():
        env = compose[name]["environment"]
        assert env["AMQP_URI"].startswith("amqp://") and "@rabbitmq:" in env["AMQP_URI"]
        assert compose[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        if has_db:
            assert env[f"{name.upper()}_DB_URI"].startswith("postgresql://")
            assert "@postgres:" in env[f"{name.upper()}_DB_URI"]
            assert migration_line(folder, name) in migrate_script().splitlines(), name
            assert compose["migrate"]["environment"][f"{name.upper()}_DB_URI"] == env[f"{name.upper()}_DB_URI"]


def test_every_config_reads_the_settings_compose_gives_it():
    run = run_script()
    for name, (folder, _, has_db) in run.PROCESSES.items():
        read = set(re.findall(r"\$\{(\w+):", (ROOT / folder / "config.yml").read_text()))
        assert "AMQP_URI" in read
        if has_db:
            assert f"{name.upper()}_DB_URI" in read
    assert "GATEWAY_ADDRESS" in set(re.findall(r"\$\{(\w+):", (ROOT / "gateway" / "config.yml").read_text()))


def test_the_image_installs_every_package():
    dockerfile = (ROOT / "Dockerfile").read_text()
    run = run_script()
    for folder, _, _ in run.PROCESSES.values():
        assert f"./{folder}" in dockerfile
    assert "constraints.txt" in dockerfile


def test_postgres_has_a_database_for_every_service_that_keeps_one():
    run = run_script()
    compose = compose_services()
    made = {compose["postgres"]["environment"]["POSTGRES_DB"]}
    made |= set(re.findall(r"CREATE DATABASE (\w+);", (ROOT / "scripts" / "postgres-databases.sql").read_text()))
    for name, (_, _, has_db) in run.PROCESSES.items():
        if has_db:
            database = compose[name]["environment"][f"{name.upper()}_DB_URI"].rsplit("/", 1)[1]
            assert database in made, name


def test_postgres_is_healthy_only_once_the_last_database_answers_over_tcp():
    """The first-start race: the image makes the databases on a server that listens on its socket
    only, so the check asks over TCP, which answers once that is done."""
    postgres = compose_services()["postgres"]
    last = re.findall(r"CREATE DATABASE (\w+);", (ROOT / "scripts" / "postgres-databases.sql").read_text())[-1]
    check = postgres["healthcheck"]["test"]
    assert check[:2] == ["CMD", "pg_isready"]
    options = dict(zip(check[2::2], check[3::2], strict=True))
    assert options == {"-h": "127.0.0.1", "-U": postgres["environment"]["POSTGRES_USER"], "-d": last}


def test_migrate_waits_for_postgres_and_leaves_nothing_to_compose_interpolation():
    migrate = compose_services()["migrate"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert migrate["healthcheck"] == {"disable": True}
    assert "$" not in migrate["command"][2].replace("$$", ""), "a lone $ is compose's, not the shell's"
    assert int(migrate["environment"]["MIGRATE_TRIES"]) > 1
    assert int(migrate["environment"]["MIGRATE_RETRY_SECONDS"]) > 0


def _run_migrations(tmp_path, failures_before_success, tries):
    """Compose's migrate script with a stand-in `python` that fails so many times per migration."""
    fake = tmp_path / "bin" / "python"
    fake.parent.mkdir()
    fake.write_text(f"""#!/bin/sh
count="{tmp_path}/$(echo "$3" | tr / _)"
echo x >> "$count"
[ "$(wc -l < "$count")" -gt {failures_before_success} ]
""")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    run = run_script()
    env = {
        "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}",
        "MIGRATE_TRIES": str(tries),
        "MIGRATE_RETRY_SECONDS": "0",
    }
    env |= {
        f"{name.upper()}_DB_URI": f"postgresql://db/{name}" for name, (_, _, has_db) in run.PROCESSES.items() if has_db
    }
    done = subprocess.run(
        ["sh", "-c", migrate_script()], env=env, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT_SECONDS
    )
    tried = {path.name: len(path.read_text().splitlines()) for path in tmp_path.iterdir() if path.is_file()}
    return done, tried


def test_migrate_tries_each_migration_again_until_its_database_answers(tmp_path):
    done, tried = _run_migrations(tmp_path, failures_before_success=2, tries=5)
    assert done.returncode == 0, done.stderr
    run = run_script()
    assert tried == {folder.replace("/", "_"): 3 for folder, _, has_db in run.PROCESSES.values() if has_db}


def test_migrate_gives_up_after_its_tries(tmp_path):
    done, tried = _run_migrations(tmp_path, failures_before_success=100, tries=4)
    assert done.returncode != 0
    assert tried == {"services_identity": 4}, "stops at the first migration that never succeeds"
    assert "still failing after 4 tries" in done.stderr


def test_the_image_runs_as_a_non_root_user():
    instructions = _dockerfile_instructions()
    users = [(index, args) for index, (name, args) in enumerate(instructions) if name == "USER"]
    assert users, "the image would run as root"
    index, user = users[-1]
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) != 0, "numeric, so that Kubernetes' runAsNonRoot can check it"
    assert all(name != "RUN" for name, _ in instructions[index:]), "nothing runs as root after USER"


def _healthcheck_code():
    (check,) = [args for name, args in _dockerfile_instructions() if name == "HEALTHCHECK"]
    command = yaml.safe_load(check[check.index("CMD") + len("CMD") :])
    assert command[:2] == ["python", "-c"]
    return command[2]


class _Metrics(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/metrics" else 404)
        self.end_headers()

    def log_message(self, *_):
        pass


def test_the_image_health_check_asks_the_metrics_address():
    env_line = " ".join(args for name, args in _dockerfile_instructions() if name == "ENV")
    assert f"METRICS_ADDRESS={CONTAINER_METRICS_ADDRESS}" in env_line.split()
    code = _healthcheck_code()
    server = http.server.HTTPServer(("127.0.0.1", 0), _Metrics)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    port = server.server_address[1]
    try:

        def check(address):
            return subprocess.run(
                ["python3", "-c", code],
                env={**os.environ, "METRICS_ADDRESS": address},
                capture_output=True,
                timeout=SCRIPT_TIMEOUT_SECONDS,
            ).returncode

        assert check(f"0.0.0.0:{port}") == 0
    finally:
        server.shutdown()
        server.server_close()
    assert check(f"0.0.0.0:{port}") != 0, "healthy with nothing answering"


def test_the_gateway_health_check_asks_its_liveness_route():
    gateway = compose_services()["gateway"]
    port = gateway["environment"]["GATEWAY_ADDRESS"].rpartition(":")[2]
    assert f"http://127.0.0.1:{port}/livez" in " ".join(gateway["healthcheck"]["test"])


def test_every_image_is_pinned_to_a_version():
    compose = compose_services()
    assert re.fullmatch(r"rabbitmq:\d+\.\d+\.\d+-management", compose["rabbitmq"]["image"])
    for name, service in compose.items():
        if service["image"] != "partner-portal":
            assert re.search(r":v?\d+\.\d+", service["image"]), f"{name}: {service['image']} is not pinned"


def test_every_process_serves_metrics_and_prometheus_scrapes_each():
    run = run_script()
    compose = compose_services()
    for name in run.PROCESSES:
        assert compose[name]["environment"]["METRICS_ADDRESS"] == CONTAINER_METRICS_ADDRESS, name
    prometheus = compose["prometheus"]
    assert prometheus["profiles"] == ["metrics"]
    assert "./docs/operations:/etc/prometheus/operations:ro" in prometheus["volumes"]
    assert "--config.file=/etc/prometheus/operations/prometheus.yml" in prometheus["command"]
    config = yaml.safe_load((ROOT / "docs" / "operations" / "prometheus.yml").read_text())
    for rule_file in config["rule_files"]:
        assert (ROOT / "docs" / "operations" / rule_file).exists(), rule_file
    port = int(CONTAINER_METRICS_ADDRESS.rpartition(":")[2])
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == set(run.PROCESSES)
    for name, job in jobs.items():
        assert job.get("metrics_path", "/metrics") == "/metrics"
        assert job["dns_sd_configs"] == [{"names": [name], "type": "A", "port": port}], name
