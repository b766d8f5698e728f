"""deploy/kubernetes/ can't be applied here (no cluster): every manifest is validated offline against
the Kubernetes schemas kubernetes-validate ships, and the promises that cross manifests are checked
by reading them."""

import functools
import math
import re
import shutil
import subprocess
import urllib.parse

import kubernetes_validate
import pytest
import yaml

from tests.test_compose import ROOT, compose_services, migrate_script, migration_line, run_script

KUBERNETES = ROOT / "deploy" / "kubernetes"
OPERATORS = KUBERNETES / "operators"
# The oldest Kubernetes these manifests promise to run on, and the newest whose schemas
# kubernetes-validate ships (an API removed since would show there).
KUBERNETES_VERSIONS = ("1.30", kubernetes_validate.utils.latest_version())
# Custom resources of the operators the cluster runs: their schemas come with the operators, not with
# Kubernetes, so they get a shape check only, and only the examples under operators/ may use them.
CUSTOM_RESOURCES = {
    ("postgresql.cnpg.io/v1", "Cluster"),
    ("postgresql.cnpg.io/v1", "Database"),
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"),
    ("monitoring.coreos.com/v1", "PodMonitor"),
}
AUTOSCALED = {"gateway", "billing", "monitoring"}
# Read by a config.yml and deliberately not set in the cluster: identity takes TOTP_KEYS from its
# Secret instead of a key file; the benchmark's route stays off.
LEFT_AT_DEFAULT = {"TOTP_KEY_FILE", "BENCH_ROUTES"}
SHARED_SOURCES = {"portal-settings", "portal-broker"}
PLACEHOLDER = "CHANGE-ME"
# Kubernetes' default rollout adds a quarter of a Deployment's pods (rounded up) before removing any.
DEFAULT_MAX_SURGE = 0.25
POSTGRES_RESERVED_CONNECTIONS = 3  # superuser_reserved_connections' default
KUSTOMIZE_TIMEOUT_SECONDS = 20
MIGRATION_CONNECTIONS = 1  # the Job migrates one database at a time


@functools.cache  # read-only: every test reads the same parsed manifests
def _documents(folder, recursive):
    paths = sorted(folder.rglob("*.yaml") if recursive else folder.glob("*.yaml"))
    return tuple(
        (path, document)
        for path in paths
        if path.name != "kustomization.yaml"
        for document in yaml.safe_load_all(path.read_text())
        if document
    )


def _manifests():
    return _documents(KUBERNETES, recursive=True)


def _core():
    return [
        (path, document)
        for path, document in _manifests()
        if (document["apiVersion"], document["kind"]) not in CUSTOM_RESOURCES
    ]


def _of_kind(kind, documents=None):
    return {
        document["metadata"]["name"]: document
        for _, document in (documents or _documents(KUBERNETES, False))
        if document["kind"] == kind
    }


def _pod_specs():
    """name: pod spec of every Deployment and Job of the base."""
    workloads = _of_kind("Deployment") | _of_kind("Job")
    return {name: workload["spec"]["template"]["spec"] for name, workload in workloads.items()}


def _containers():
    return [
        (name, container)
        for name, spec in _pod_specs().items()
        for container in spec["containers"] + spec.get("initContainers", [])
    ]


def _only_container(deployment):
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def _sources(container):
    """(kind, name) of every ConfigMap and Secret a container takes variables from."""
    kinds = {"configMapRef": "ConfigMap", "secretRef": "Secret"}
    return {
        (kinds[key], reference["name"]) for source in container.get("envFrom", []) for key, reference in source.items()
    }


def _keys(kind, name):
    document = _of_kind(kind)[name]
    return set(document.get("data", {})) | set(document.get("stringData", {}))


def _environment(container):
    """Every variable a container is given."""
    names = {variable["name"] for variable in container.get("env", [])}
    for kind, name in _sources(container):
        names |= _keys(kind, name)
    return names


def _config_reads(folder):
    return set(re.findall(r"\$\{(\w+):", (ROOT / folder / "config.yml").read_text()))


def _port(container, name):
    (port,) = [port["containerPort"] for port in container["ports"] if port["name"] == name]
    return port


def _quantity(value):
    """CPU in cores, memory in bytes, from the forms used here (500m, 2, 256Mi, 1Gi)."""
    value = str(value)
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    for suffix, factor in units.items():
        if value.endswith(suffix):
            return float(value[: -len(suffix)]) * factor
    return float(value)


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize(
    "path, manifest",
    _core(),
    ids=[f"{path.relative_to(KUBERNETES)}:{doc['kind']}/{doc['metadata']['name']}" for path, doc in _core()],
)
def test_manifest_is_valid_for_kubernetes(path, manifest, version):
    """Strict: a field the schema does not know (a typo) is an error, as `kubectl apply` makes it."""
    try:
        kubernetes_validate.validate(manifest, version, strict=True)
        return
    except kubernetes_validate.ValidationError as error:
        problem = f"{path.name}: {'.'.join(map(str, error.path))}: {error.message}"
    pytest.fail(problem, pytrace=False)  # outside the except: the schema itself is thousands of lines


def test_custom_resources_are_only_the_operators_examples_and_have_their_shape():
    """Not validated against a schema: the operators' CRDs are not Kubernetes' own (see above)."""
    custom = [
        (path, document)
        for path, document in _manifests()
        if (document["apiVersion"], document["kind"]) in CUSTOM_RESOURCES
    ]
    assert {(document["apiVersion"], document["kind"]) for _, document in custom} == CUSTOM_RESOURCES
    for path, document in custom:
        assert OPERATORS in path.parents, f"{path}: the base must apply on a cluster without operators"
        assert set(document) == {"apiVersion", "kind", "metadata", "spec"}, path
        assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", document["metadata"]["name"]), path


def test_every_kustomization_lists_the_manifests_beside_it():
    for kustomization in KUBERNETES.rglob("kustomization.yaml"):
        listed = yaml.safe_load(kustomization.read_text())["resources"]
        beside = {path.name for path in kustomization.parent.glob("*.yaml")} - {"kustomization.yaml"}
        assert sorted(listed) == sorted(beside), kustomization


@pytest.mark.skipif(not shutil.which("kubectl"), reason="no kubectl here: the listing check above is what remains")
def test_every_kustomization_builds_into_its_namespace():
    for kustomization in KUBERNETES.rglob("kustomization.yaml"):
        namespace = yaml.safe_load(kustomization.read_text())["namespace"]
        built = subprocess.run(
            ["kubectl", "kustomize", str(kustomization.parent)],
            capture_output=True,
            text=True,
            timeout=KUSTOMIZE_TIMEOUT_SECONDS,
        )
        assert built.returncode == 0, built.stderr
        for document in yaml.safe_load_all(built.stdout):
            if document["kind"] != "Namespace":
                assert document["metadata"]["namespace"] == namespace, document["metadata"]["name"]


def test_every_container_runs_the_image_the_kustomization_points_at():
    images = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())["images"]
    assert [image["name"] for image in images] == ["partner-portal"]
    for name, container in _containers():
        assert container["image"] == "partner-portal", name


def test_every_process_of_make_run_is_a_deployment_started_as_compose_starts_it():
    run = run_script()
    compose = compose_services()
    deployments = _of_kind("Deployment")
    assert set(deployments) == set(run.PROCESSES)
    for name, deployment in deployments.items():
        assert _only_container(deployment)["command"] == run.nameko_command(name) == compose[name]["command"], name


def test_every_container_has_cpu_and_memory_requests_within_limits():
    for name, container in _containers():
        resources = container["resources"]
        for part in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(resources.get(part, {})), f"{name}: {part} must name cpu and memory"
        for resource in ("cpu", "memory"):
            request, limit = resources["requests"][resource], resources["limits"][resource]
            assert _quantity(request) <= _quantity(limit), f"{name}: {resource} request over its limit"


def test_every_pod_runs_as_the_images_non_root_user_under_the_restricted_standard():
    user = [line.split()[1] for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("USER ")][-1]
    uid, gid = (int(part) for part in user.split(":"))
    namespace = _of_kind("Namespace")["partner-portal"]
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for name, spec in _pod_specs().items():
        assert spec["securityContext"] == {
            "runAsNonRoot": True,
            "runAsUser": uid,
            "runAsGroup": gid,
            "seccompProfile": {"type": "RuntimeDefault"},
        }, name
        assert spec["automountServiceAccountToken"] is False, name
    for name, container in _containers():
        assert container["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        }, name


def test_the_gateway_is_ready_and_alive_on_livez_never_health():
    address = _of_kind("ConfigMap")["gateway-settings"]["data"]["GATEWAY_ADDRESS"]
    gateway = _only_container(_of_kind("Deployment")["gateway"])
    assert _port(gateway, "http") == int(address.rpartition(":")[2])
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert gateway[probe]["httpGet"] == {"path": "/livez", "port": "http"}, probe


def test_every_service_is_probed_on_its_own_metrics_server():
    """Not /health: it reports every service (see the comment in each Deployment)."""
    address = _of_kind("ConfigMap")["portal-settings"]["data"]["METRICS_ADDRESS"]
    for name, deployment in _of_kind("Deployment").items():
        container = _only_container(deployment)
        assert _port(container, "metrics") == int(address.rpartition(":")[2]), name
        if name == "gateway":
            continue
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"] == {"path": "/metrics", "port": "metrics"}, (name, probe)


def test_every_pod_says_where_its_metrics_are_and_the_pod_monitor_finds_them():
    (monitor,) = [document for _, document in _documents(OPERATORS / "monitoring", False)]
    selector = monitor["spec"]["selector"]["matchLabels"]
    (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
    for name, deployment in _of_kind("Deployment").items():
        template = deployment["spec"]["template"]
        container = _only_container(deployment)
        assert selector.items() <= template["metadata"]["labels"].items(), name
        assert template["metadata"]["annotations"]["prometheus.io/port"] == str(_port(container, endpoint["port"]))
        assert template["metadata"]["annotations"]["prometheus.io/path"] == endpoint["path"] == "/metrics"


def test_autoscalers_target_existing_deployments_that_leave_them_the_replica_count():
    deployments = _of_kind("Deployment")
    autoscalers = _of_kind("HorizontalPodAutoscaler")
    assert {autoscaler["spec"]["scaleTargetRef"]["name"] for autoscaler in autoscalers.values()} == AUTOSCALED
    for autoscaler in autoscalers.values():
        target = autoscaler["spec"]["scaleTargetRef"]
        assert (target["apiVersion"], target["kind"]) == ("apps/v1", "Deployment")
        assert target["name"] in deployments
        assert 2 <= autoscaler["spec"]["minReplicas"] <= autoscaler["spec"]["maxReplicas"]
    for name, deployment in deployments.items():
        if name in AUTOSCALED:
            assert "replicas" not in deployment["spec"], f"{name}: every apply would undo its autoscaler"
        else:
            assert deployment["spec"]["replicas"] >= 2, f"{name}: one pod is an outage at each node drain"


def test_every_deployment_has_a_disruption_budget_and_the_gateway_a_service():
    deployments = _of_kind("Deployment")
    budgets = _of_kind("PodDisruptionBudget")
    covered = [
        name
        for name, deployment in deployments.items()
        for budget in budgets.values()
        if budget["spec"]["selector"]["matchLabels"].items()
        <= deployment["spec"]["template"]["metadata"]["labels"].items()
    ]
    assert sorted(covered) == sorted(deployments)
    (service,) = _of_kind("Service").values()
    gateway = deployments["gateway"]
    assert service["spec"]["selector"].items() <= gateway["spec"]["template"]["metadata"]["labels"].items()
    assert all(
        port["targetPort"] in {p["name"] for p in _only_container(gateway)["ports"]}
        for port in service["spec"]["ports"]
    )


def test_every_config_map_and_secret_a_pod_reads_exists_with_every_key_it_names():
    for name, container in _containers():
        for kind, source in _sources(container):
            assert source in _of_kind(kind), f"{name} reads the missing {kind} {source}"
        for source in container.get("envFrom", []):
            assert not any(reference.get("optional") for reference in source.values()), name
        for variable in container.get("env", []):
            reference = variable.get("valueFrom", {})
            for kind, key in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                if key in reference:
                    assert reference[key]["key"] in _keys(kind, reference[key]["name"]), (name, variable["name"])


def test_every_process_is_given_what_its_config_reads_and_only_its_own_database():
    run = run_script()
    read_by_any = set()
    for name, (folder, _, has_db) in run.PROCESSES.items():
        container = _only_container(_of_kind("Deployment")[name])
        reads = _config_reads(folder)
        read_by_any |= reads
        given = _environment(container)
        assert reads - given - LEFT_AT_DEFAULT == set(), f"{name} would run on defaults meant for make run"
        assert _keys("ConfigMap", f"{name}-settings") <= reads, f"{name}-settings has what {name} never reads"
        assert {source for _, source in _sources(container)} - SHARED_SOURCES <= {
            f"{name}-settings",
            f"{name}-database",
            "identity-totp-keys",
            "notifications-smtp",
        }
        databases = {variable for variable in given if variable.endswith("_DB_URI")}
        assert databases == ({f"{name.upper()}_DB_URI"} if has_db else set()), name
    assert _keys("ConfigMap", "portal-settings") <= read_by_any


def test_the_migration_job_runs_composes_script_on_every_database():
    run = run_script()
    job = _of_kind("Job")["migrate"]
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["command"][:2] == ["sh", "-c"]
    assert container["command"][2] == migrate_script()
    given = _environment(container)
    for name, (folder, _, has_db) in run.PROCESSES.items():
        if has_db:
            assert migration_line(folder, name) in container["command"][2].splitlines(), name
            assert f"{name.upper()}_DB_URI" in given, name
    assert {"MIGRATE_TRIES", "MIGRATE_RETRY_SECONDS"} <= given
    assert job["spec"]["backoffLimit"] > 0 and job["spec"]["activeDeadlineSeconds"] > 0
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def _data_operators():
    data = OPERATORS / "data"
    namespace = yaml.safe_load((data / "kustomization.yaml").read_text())["namespace"]
    return namespace, _documents(data, False)


def test_secrets_are_placeholders_pointing_at_what_the_operators_make():
    run = run_script()
    namespace, documents = _data_operators()
    (postgres,) = _of_kind("Cluster", documents).values()
    (rabbitmq,) = _of_kind("RabbitmqCluster", documents).values()
    databases = {postgres["spec"]["bootstrap"]["initdb"]["database"]}
    databases |= {database["spec"]["name"] for database in _of_kind("Database", documents).values()}
    secrets = {key: value for secret in _of_kind("Secret").values() for key, value in secret["stringData"].items()}
    assert all(PLACEHOLDER in value for value in secrets.values()), "a real secret in the repository?"
    broker = urllib.parse.urlsplit(secrets["AMQP_URI"])
    assert broker.hostname == f"{rabbitmq['metadata']['name']}.{namespace}.svc"
    for name, (_, _, has_db) in run.PROCESSES.items():
        if has_db:
            uri = urllib.parse.urlsplit(secrets[f"{name.upper()}_DB_URI"])
            assert uri.hostname == f"{postgres['metadata']['name']}-rw.{namespace}.svc", name
            assert uri.path.lstrip("/") in databases, name
            assert uri.username == postgres["spec"]["bootstrap"]["initdb"]["owner"], name


def test_the_operators_run_the_versions_compose_runs():
    _, documents = _data_operators()
    compose = compose_services()
    (rabbitmq,) = _of_kind("RabbitmqCluster", documents).values()
    assert rabbitmq["spec"]["image"] == compose["rabbitmq"]["image"]
    (postgres,) = _of_kind("Cluster", documents).values()
    major = compose["postgres"]["image"].split(":")[1].split(".")[0]
    assert postgres["spec"]["imageName"].rpartition(":")[2].split(".")[0] == major


def test_postgres_takes_every_pool_at_the_most_pods_a_rollout_can_have():
    db_module = (ROOT / "common" / "portal_common" / "db.py").read_text()
    pool = sum(int(re.search(rf'"{option}", (\d+)\)', db_module).group(1)) for option in ("pool_size", "max_overflow"))
    run = run_script()
    most = {
        autoscaler["spec"]["scaleTargetRef"]["name"]: autoscaler["spec"]["maxReplicas"]
        for autoscaler in _of_kind("HorizontalPodAutoscaler").values()
    }
    deployments = _of_kind("Deployment")
    pods = 0
    for name, (_, _, has_db) in run.PROCESSES.items():
        if has_db:
            replicas = most.get(name) or deployments[name]["spec"]["replicas"]
            pods += replicas + math.ceil(replicas * DEFAULT_MAX_SURGE)
    _, documents = _data_operators()
    (postgres,) = _of_kind("Cluster", documents).values()
    allowed = int(postgres["spec"]["postgresql"]["parameters"]["max_connections"])
    assert pods * pool + MIGRATION_CONNECTIONS <= allowed - POSTGRES_RESERVED_CONNECTIONS


def test_identity_weighs_twice_the_others_on_the_cpu_in_every_shape():
    """Sign-ins are argon2id a person waits for: make run's nice value, compose's cpu_shares and
    Kubernetes' CPU requests all give identity about twice the weight of the gateway."""
    compose = compose_services()
    nice_weight = {0: 1024, -3: 1991}  # the kernel's sched_prio_to_weight
    run = run_script()
    assert set(run.CPU_NICE) == {"identity"}
    assert round(nice_weight[run.CPU_NICE["identity"]] / nice_weight[0]) == 2
    assert compose["identity"]["cpu_shares"] == 2 * 1024
    assert all("cpu_shares" not in service for name, service in compose.items() if name != "identity")
    requests = {
        name: _quantity(_only_container(d)["resources"]["requests"]["cpu"])
        for name, d in _of_kind("Deployment").items()
    }
    assert requests["identity"] == 2 * requests["gateway"] == max(requests.values())
