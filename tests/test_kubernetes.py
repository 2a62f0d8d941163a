"""The Kubernetes manifests (deploy/kubernetes/): every object of the base and of the production overlay is valid
against a current Kubernetes version's schemas (kubernetes-validate, strict), and holds what the docs promise."""

from __future__ import annotations

import copy
from pathlib import Path

import jsonpatch
import kubernetes_validate
import pytest
import yaml
from django.urls import resolve

from core import health

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "kubernetes"
KUBERNETES_VERSION = kubernetes_validate.latest_version()


def _documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _kustomization(folder: Path) -> dict:
    return yaml.safe_load((folder / "kustomization.yaml").read_text())


def build(folder: Path) -> list[dict]:
    """What ``kubectl kustomize`` gives for the fields this repository uses: resources (files or folders),
    namespace, images and JSON patches (RFC 6902) on targets named by kind and name."""
    kustomization = _kustomization(folder)
    objects: list[dict] = []
    for resource in kustomization.get("resources", []):
        path = (folder / resource).resolve()
        objects += build(path) if path.is_dir() else _documents(path)
    objects = copy.deepcopy(objects)
    for patch in kustomization.get("patches", []):
        target = patch["target"]
        matches = [o for o in objects if o["kind"] == target["kind"] and o["metadata"]["name"] == target["name"]]
        assert len(matches) == 1, f"patch target {target} matches {len(matches)} objects"
        patched = jsonpatch.apply_patch(matches[0], yaml.safe_load(patch["patch"]))
        objects[objects.index(matches[0])] = patched
    if "namespace" in kustomization:
        for o in objects:
            o["metadata"]["namespace"] = kustomization["namespace"]
    for image in kustomization.get("images", []):
        for o in objects:
            for container in _containers(o):
                if container["image"].split(":")[0] == image["name"]:
                    container["image"] = f"{image['newName']}:{image['newTag']}"
    return objects


def _pod_spec(o: dict) -> dict | None:
    if o["kind"] in ("Deployment", "Job"):
        return o["spec"]["template"]["spec"]
    return None


def _containers(o: dict) -> list[dict]:
    spec = _pod_spec(o)
    return [*spec.get("initContainers", []), *spec["containers"]] if spec else []


BASE = build(DEPLOY / "base")
PRODUCTION = build(DEPLOY / "overlays" / "production")


def _by(objects, kind, name):
    [found] = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    return found


@pytest.mark.parametrize(
    "obj",
    [
        pytest.param(o, id=f"{where}:{o['kind']}/{o['metadata']['name']}")
        for where, objs in (("base", BASE), ("production", PRODUCTION))
        for o in objs
    ],
)
def test_every_object_is_valid_for_a_current_kubernetes(obj):
    kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


def test_the_deployment_has_every_part_the_docs_name():
    kinds = {(o["kind"], o["metadata"]["name"]) for o in PRODUCTION}
    assert {
        ("Deployment", "grappe-web"),
        ("Deployment", "grappe-worker"),
        ("Deployment", "grappe-beat"),
        ("Job", "grappe-migrate"),
        ("Service", "grappe-web"),
        ("Ingress", "grappe"),
        ("HorizontalPodAutoscaler", "grappe-web"),
        ("HorizontalPodAutoscaler", "grappe-worker"),
        ("PodDisruptionBudget", "grappe-web"),
        ("PodDisruptionBudget", "grappe-worker"),
        ("ConfigMap", "grappe-config"),
    } <= kinds
    assert not [o for o in PRODUCTION if o["kind"] == "Secret"]  # referenced, never committed


def test_beat_stays_single():
    beat = _by(PRODUCTION, "Deployment", "grappe-beat")
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"]["type"] == "Recreate"
    scaled = {o["spec"]["scaleTargetRef"]["name"] for o in PRODUCTION if o["kind"] == "HorizontalPodAutoscaler"}
    assert "grappe-beat" not in scaled


@pytest.mark.parametrize("obj", [o for o in PRODUCTION if _pod_spec(o)], ids=lambda o: o["metadata"]["name"])
def test_every_pod_runs_as_the_image_user_read_only_with_resources(obj):
    pod = _pod_spec(obj)
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 10001
    for container in _containers(obj):
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False
        assert security["capabilities"]["drop"] == ["ALL"]
        assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
        assert container["image"] == "registry.example.org/grappe:1.0.0"
        refs = {ref.get("configMapRef", ref.get("secretRef", {})).get("name") for ref in container["envFrom"]}
        assert refs == {"grappe-config", "grappe-secrets"}


def _web_container(objects) -> dict:
    [container] = _by(objects, "Deployment", "grappe-web")["spec"]["template"]["spec"]["containers"]
    return container


def test_the_web_probes_ask_the_health_checks_with_the_host_of_the_ingress():
    host = _by(PRODUCTION, "Ingress", "grappe")["spec"]["rules"][0]["host"]
    assert host in _by(PRODUCTION, "ConfigMap", "grappe-config")["data"]["ALLOWED_HOSTS"].split(",")
    container = _web_container(PRODUCTION)
    for probe in ("readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert {"name": "Host", "value": host} in get["httpHeaders"]
        assert {"name": "X-Forwarded-Proto", "value": "https"} in get["httpHeaders"]


def test_readiness_asks_the_shared_services_and_liveness_only_the_process():
    """An outage of the database, the cache or the bucket takes the web pods out of the Service (readiness) and
    restarts none of them (liveness asks a view that touches none of them: tests/test_operations.py)."""
    container = _web_container(PRODUCTION)
    assert resolve(container["readinessProbe"]["httpGet"]["path"]).func is health.health_live
    assert resolve(container["livenessProbe"]["httpGet"]["path"]).func is health.process


def test_the_ingress_is_counted_as_a_proxy_so_each_visitor_has_their_own_address(rf, settings):
    """Behind the Ingress, REMOTE_ADDR is the controller's: with NUM_PROXIES at 0 every visitor would share its
    throttles and its log-in lock-out. With the ConfigMap's value, the visitor's address is the one the controller
    added last to X-Forwarded-For, whatever the visitor wrote in front of it."""
    from core.throttles import client_ip

    num_proxies = int(_by(PRODUCTION, "ConfigMap", "grappe-config")["data"]["NUM_PROXIES"])
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": num_proxies}
    controller = {"REMOTE_ADDR": "10.42.0.12"}

    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", **controller)) == "203.0.113.9"
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9", **controller)) == "203.0.113.9"


@pytest.mark.parametrize("objects", [BASE, PRODUCTION], ids=["base", "production"])
def test_every_disruption_budget_lets_a_drain_evict_a_pod_at_the_autoscalers_minimum(objects):
    """A budget that allows no eviction when the autoscaler is at its minimum (``minAvailable: 1`` with one
    replica) blocks every node's drain."""
    minimum = {
        o["spec"]["scaleTargetRef"]["name"]: o["spec"]["minReplicas"]
        for o in objects
        if o["kind"] == "HorizontalPodAutoscaler"
    }
    budgets = [o for o in objects if o["kind"] == "PodDisruptionBudget"]
    assert budgets
    for budget in budgets:
        component = budget["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"]
        replicas = minimum[f"grappe-{component}"]
        if "maxUnavailable" in budget["spec"]:
            allowed = budget["spec"]["maxUnavailable"]
        else:
            allowed = replicas - budget["spec"]["minAvailable"]
        assert isinstance(allowed, int) and allowed >= 1, (budget["metadata"]["name"], replicas)


def test_the_web_pods_gunicorn_workers_share_a_metrics_directory_emptied_at_start():
    """Several gunicorn workers per pod: PROMETHEUS_MULTIPROC_DIR on a volume of the pod's own (the root file
    system is read-only), and gunicorn started with config/gunicorn.py, which empties it (tests/test_metrics.py)."""
    web = _by(PRODUCTION, "Deployment", "grappe-web")
    container = _web_container(PRODUCTION)
    env = {item["name"]: item["value"] for item in container.get("env", [])}
    directory = env["PROMETHEUS_MULTIPROC_DIR"]
    [mount] = [m for m in container["volumeMounts"] if m["mountPath"] == directory]
    [volume] = [v for v in web["spec"]["template"]["spec"]["volumes"] if v["name"] == mount["name"]]
    assert volume["emptyDir"] is not None and not mount.get("readOnly")
    assert "--config python:config.gunicorn" in " ".join(container["command"])
    assert "PROMETHEUS_MULTIPROC_DIR" not in _by(PRODUCTION, "ConfigMap", "grappe-config")["data"]
    others = [c for o in PRODUCTION for c in _containers(o) if c is not container]
    assert others and not [c for c in others if "PROMETHEUS_MULTIPROC_DIR" in str(c.get("env"))]


def _selected(objects, selector: str) -> list[tuple[str, str]]:
    key, value = selector.split("=")
    return [(o["kind"], o["metadata"]["name"]) for o in objects if o["metadata"].get("labels", {}).get(key) == value]


def test_the_documented_release_applies_the_configuration_and_the_migration_alone_before_the_rest():
    """``kubectl apply -k`` applies everything at once and cannot change a Job: the docs' release deletes the
    previous Job, applies the ConfigMap and the Job alone by label and waits for it, then applies the rest."""
    docs = (DEPLOY.parent.parent / "docs" / "operations" / "kubernetes.md").read_text()
    release = docs[docs.index("## Deploying a release") :]
    release = release[release.index("```bash") : release.index("```", release.index("```bash") + 3)]
    commands = [line for line in release.splitlines() if line.startswith("kubectl")]
    selectors = [line.split(" -l ")[1] for line in commands if line.startswith("kubectl apply") and " -l " in line]
    assert selectors == ["app.kubernetes.io/component=config", "app.kubernetes.io/component=migrate"]
    assert _selected(PRODUCTION, selectors[0]) == [("ConfigMap", "grappe-config")]
    assert _selected(PRODUCTION, selectors[1]) == [("Job", "grappe-migrate")]
    order = [
        "kubectl -n grappe delete job grappe-migrate",
        f"-l {selectors[1]}",
        "kubectl -n grappe wait --for=condition=complete job/grappe-migrate",
    ]
    positions = [next(i for i, line in enumerate(commands) if step in line) for step in order]
    positions.append(commands.index('kubectl apply -k "$OVERLAY"'))  # the rest, once the Job is complete
    assert positions == sorted(positions)
