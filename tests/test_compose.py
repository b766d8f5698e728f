"""docker-compose.yml can't be run here (no Docker engine): check it against what `make run` does."""
import importlib.util
import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
INFRASTRUCTURE = {"rabbitmq", "postgres", "migrate"}


def _run_script():
    spec = importlib.util.spec_from_file_location("run_script", ROOT / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_every_process_of_make_run_is_a_compose_service_started_the_same_way():
    run = _run_script()
    compose = _compose()
    assert set(compose) - INFRASTRUCTURE == set(run.PROCESSES)
    for name in run.PROCESSES:
        assert compose[name]["command"] == run.nameko_command(name), name
        config = ROOT / run.PROCESSES[name][0] / "config.yml"
        assert config.exists(), config


def test_services_can_scale():
    for name, service in _compose().items():
        assert "container_name" not in service, f"{name} pins a container name: --scale would fail"
        if name not in INFRASTRUCTURE | {"gateway"}:
            assert "ports" not in service, f"{name} publishes a host port: --scale would fail"


def test_gateway_is_published_on_8000_and_listens_on_all_interfaces():
    gateway = _compose()["gateway"]
    assert "8000:8000" in gateway["ports"]
    assert gateway["environment"]["GATEWAY_ADDRESS"] == "0.0.0.0:8000"


def test_every_service_reaches_the_broker_and_its_postgres_database():
    run = _run_script()
    compose = _compose()
    for name, (folder, _, has_db) in run.PROCESSES.items():
        env = compose[name]["environment"]
        assert env["AMQP_URI"].startswith("amqp://") and "@rabbitmq:" in env["AMQP_URI"]
        assert compose[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        if has_db:
            assert env[f"{name.upper()}_DB_URI"].startswith("postgresql://")
            assert "@postgres:" in env[f"{name.upper()}_DB_URI"]
            assert f"portal_common.migrate {folder} ${name.upper()}_DB_URI" in " ".join(
                compose["migrate"]["command"]
            ).replace("$$", "$")


def test_every_config_reads_the_settings_compose_gives_it():
    run = _run_script()
    for name, (folder, _, has_db) in run.PROCESSES.items():
        read = set(re.findall(r"\$\{(\w+):", (ROOT / folder / "config.yml").read_text()))
        assert "AMQP_URI" in read
        if has_db:
            assert f"{name.upper()}_DB_URI" in read
    assert "GATEWAY_ADDRESS" in set(re.findall(r"\$\{(\w+):", (ROOT / "gateway" / "config.yml").read_text()))


def test_the_image_installs_every_package():
    dockerfile = (ROOT / "Dockerfile").read_text()
    run = _run_script()
    for folder, _, _ in run.PROCESSES.values():
        assert f"./{folder}" in dockerfile
    assert "constraints.txt" in dockerfile


def test_postgres_has_a_database_for_every_service_that_keeps_one():
    run = _run_script()
    compose = _compose()
    made = {compose["postgres"]["environment"]["POSTGRES_DB"]}
    made |= set(re.findall(r"CREATE DATABASE (\w+);", (ROOT / "scripts" / "postgres-databases.sql").read_text()))
    for name, (_, _, has_db) in run.PROCESSES.items():
        if has_db:
            database = compose[name]["environment"][f"{name.upper()}_DB_URI"].rsplit("/", 1)[1]
            assert database in made, name
