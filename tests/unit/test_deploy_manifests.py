"""The deployment files a user with Docker or Kubernetes will run are valid before they try."""

from __future__ import annotations

import copy
import json
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import kubernetes_validate
import pytest
import yaml

from services.notifier.settings import NotifierSettings
from shared.topics import all_topics

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
COMPOSE = REPO / "docker-compose.yml"
BENCH = REPO / "bench" / "results"
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]

CONSUMERS = {"matcher", "notifier"}  # KEDA, on consumer lag
APIS = {"employer-intake", "candidate-profile", "actions"}  # HPA, on CPU
DEPLOYMENTS = CONSUMERS | APIS
# Every Kafka client's way out: the brokers (SASL_SSL) and PostgreSQL.
DATA_PORTS = {9093, 5432}
EGRESS = {
    "employer-intake": DATA_PORTS,
    "candidate-profile": DATA_PORTS,  # vets webhook addresses by DNS only; never calls them
    "matcher": DATA_PORTS | {6333},
    "notifier": DATA_PORTS | {25, 465, 587, 443},  # the mail relay, HTTPS webhooks
    "actions": DATA_PORTS,
}
INGRESS_NAMESPACE, MONITORING_NAMESPACE = "ingress-nginx", "monitoring"
# The measured runs the resources come from (bench/results/README.md).
BENCH_RUNS = ("2026-11-28T1516-rate7", "2026-11-28T1516-rate10", "2026-11-28T1524")

# The fields of KEDA's ScaledObject and TriggerAuthentication used here, as KEDA's CRDs type
# them (no schema of KEDA's is installed here): a misspelt field or a number where KEDA wants
# a string is refused by the cluster at apply time, and here.
_KEDA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "keda.sh/v1alpha1"},
        "kind": {"enum": ["ScaledObject", "TriggerAuthentication"]},
        "metadata": {"type": "object", "required": ["name"]},
    },
    "if": {"properties": {"kind": {"const": "ScaledObject"}}},
    "then": {
        "properties": {
            "spec": {
                "type": "object",
                "required": ["scaleTargetRef", "triggers"],
                "additionalProperties": False,
                "properties": {
                    "scaleTargetRef": {
                        "type": "object",
                        "required": ["name"],
                        "additionalProperties": False,
                        "properties": {
                            "name": {"type": "string"},
                            "kind": {"type": "string"},
                            "apiVersion": {"type": "string"},
                        },
                    },
                    "minReplicaCount": {"type": "integer", "minimum": 0},
                    "maxReplicaCount": {"type": "integer", "minimum": 1},
                    "pollingInterval": {"type": "integer"},
                    "cooldownPeriod": {"type": "integer"},
                    "triggers": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["type", "metadata"],
                            "additionalProperties": False,
                            "properties": {
                                "type": {"type": "string"},
                                "name": {"type": "string"},
                                "metadata": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string"},
                                },
                                "authenticationRef": {
                                    "type": "object",
                                    "required": ["name"],
                                    "properties": {"name": {"type": "string"}},
                                },
                            },
                        },
                    },
                },
            }
        }
    },
    "else": {
        "properties": {
            "spec": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "secretTargetRef": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["parameter", "name", "key"],
                            "additionalProperties": False,
                            "properties": {
                                "parameter": {"type": "string"},
                                "name": {"type": "string"},
                                "key": {"type": "string"},
                            },
                        },
                    }
                },
            }
        }
    },
}


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def _kustomization() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    return data


def _k8s_resources() -> list[tuple[str, dict[str, Any]]]:
    return [(name, doc) for name in _kustomization()["resources"] for doc in _docs(K8S / name)]


def _of_kind(kind: str, docs: list[dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    found = docs if docs is not None else [d for _, d in _k8s_resources()]
    return {d["metadata"]["name"]: d for d in found if d["kind"] == kind}


def _containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    containers: list[dict[str, Any]] = doc["spec"]["template"]["spec"]["containers"]
    return containers


def _split_image(image: str) -> tuple[str, str | None]:
    """(name, tag) of `name[:tag]`; a registry's port is part of the name."""
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag:
        return image, None
    return name, tag


def _render() -> list[dict[str, Any]]:
    """What `kubectl kustomize deploy/k8s` gives for this kustomization: its resources with
    the namespace set and the images' tags replaced (the two transforms it uses)."""
    kustomization = _kustomization()
    assert set(kustomization) <= {"apiVersion", "kind", "namespace", "resources", "images"}
    new_tags = {i["name"]: i["newTag"] for i in kustomization["images"]}
    rendered = []
    for _, doc in _k8s_resources():
        doc = copy.deepcopy(doc)
        doc["metadata"]["namespace"] = kustomization["namespace"]
        if doc["kind"] in ("Deployment", "StatefulSet"):
            for container in _containers(doc):
                name, tag = _split_image(container["image"])
                container["image"] = f"{name}:{new_tags.get(name, tag)}"
        rendered.append(doc)
    return rendered


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def _compose_value(value: object) -> str:
    """A compose environment value as it is with nothing set: `${VAR:-default}` -> default."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value))


def _mebibytes(quantity: str) -> float:
    units = {"Mi": 1, "Gi": 1024}
    return float(quantity[:-2]) * units[quantity[-2:]]


def _millicores(quantity: str) -> float:
    return float(quantity[:-1]) if quantity.endswith("m") else float(quantity) * 1000


# ---------------------------------------------------------------- docker compose


def test_the_compose_file_follows_the_compose_specification() -> None:
    schema_file = resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    jsonschema.validate(_compose(), schema)


def test_compose_runs_two_matchers_and_waits_for_healthy_dependencies() -> None:
    services = _compose()["services"]
    assert services["matcher"]["deploy"]["replicas"] == 2
    for name in ("employer_intake", "candidate_profile", "matcher", "notifier"):
        deps = services[name]["depends_on"]
        assert deps["kafka"]["condition"] == "service_healthy"
        assert deps["postgres"]["condition"] == "service_healthy"
        assert services[name]["build"]["target"] == name
    for infra in ("kafka", "postgres", "qdrant", "mail"):
        assert "healthcheck" in services[infra]


def test_compose_s_notifier_sends_mail_to_a_mail_sink_it_runs() -> None:
    services = _compose()["services"]
    env = services["notifier"]["environment"]
    host, port = _compose_value(env["SPIE_SMTP_HOST"]), _compose_value(env["SPIE_SMTP_PORT"])
    assert host in services
    assert services["notifier"]["depends_on"][host]["condition"] == "service_healthy"
    sink = services[host]
    assert sink["build"]["target"] == "tools"
    command = " ".join(sink["command"])
    assert "mailsink.py" in command and f"--port {port}" in command
    assert "--host 0.0.0.0" in command


def test_compose_s_notifier_settings_are_accepted_by_the_notifier() -> None:
    """Clear-text SMTP is refused in production: the mail sink's settings must not stop it."""
    env = {
        k: _compose_value(v) for k, v in _compose()["services"]["notifier"]["environment"].items()
    }
    env["SPIE_SECRET_KEY"] = "x" * 40  # compose asks the user for it (`:?`)
    settings = NotifierSettings.model_validate(
        {k.removeprefix("SPIE_").lower(): v for k, v in env.items() if k.startswith("SPIE_")}
    )
    assert settings.smtp_tls == "none"
    assert settings.smtp_host == "mail"


# ---------------------------------------------------------------- Kubernetes: validity


@pytest.mark.parametrize(
    ("name", "doc"),
    [(n, d) for n, d in _k8s_resources() if "keda.sh" not in d["apiVersion"]],
    ids=lambda v: v if isinstance(v, str) else f"{v['kind']}/{v['metadata']['name']}",
)
def test_each_kubernetes_resource_validates_against_the_kubernetes_schema(
    name: str, doc: dict[str, Any]
) -> None:
    kubernetes_validate.validate(doc, "1.33.0", strict=True)


@pytest.mark.parametrize(
    "doc",
    [d for _, d in _k8s_resources() if "keda.sh" in d["apiVersion"]],
    ids=lambda d: f"{d['kind']}/{d['metadata']['name']}",
)
def test_each_keda_resource_has_the_shape_keda_accepts(doc: dict[str, Any]) -> None:
    jsonschema.validate(doc, _KEDA_SCHEMA)


def test_the_rendered_manifests_validate_in_the_namespace_with_versioned_images() -> None:
    rendered = _render()
    for doc in rendered:
        assert doc["metadata"]["namespace"] == "spie31"
        if "keda.sh" not in doc["apiVersion"]:
            kubernetes_validate.validate(doc, "1.33.0", strict=True)
    images = {n: _containers(d)[0]["image"] for n, d in _of_kind("Deployment", rendered).items()}
    assert images == {name: f"spie31/{name}:{VERSION}" for name in DEPLOYMENTS}


# ---------------------------------------------------------------- images


def test_every_image_of_ours_is_pinned_to_the_project_version() -> None:
    tags = {i["name"]: i["newTag"] for i in _kustomization()["images"]}
    ours = {name: tag for name, tag in tags.items() if name.startswith("spie31/")}
    assert ours == {f"spie31/{name}": VERSION for name in DEPLOYMENTS}


def test_no_image_is_latest_or_untagged_before_or_after_rendering() -> None:
    for docs in ([d for _, d in _k8s_resources()], _render()):
        for doc in docs:
            if doc["kind"] not in ("Deployment", "StatefulSet"):
                continue
            for container in _containers(doc):
                _, tag = _split_image(container["image"])
                assert tag not in (None, "latest"), container["image"]


def test_kubernetes_runs_the_qdrant_version_compose_runs() -> None:
    compose_name, compose_tag = _split_image(_compose()["services"]["qdrant"]["image"])
    qdrant = _containers(_of_kind("StatefulSet", _render())["qdrant"])[0]
    name, tag = _split_image(qdrant["image"])
    assert name == compose_name
    assert tag is not None and compose_tag is not None
    assert tag.removesuffix("-unprivileged") == compose_tag


# ---------------------------------------------------------------- scaling


def _autoscaled() -> dict[str, list[str]]:
    """Deployment name -> the autoscalers aimed at it (`HPA/name`, `ScaledObject/name`)."""
    aimed: dict[str, list[str]] = {}
    for _, doc in _k8s_resources():
        if doc["kind"] in ("HorizontalPodAutoscaler", "ScaledObject"):
            target = doc["spec"]["scaleTargetRef"]["name"]
            aimed.setdefault(target, []).append(f"{doc['kind']}/{doc['metadata']['name']}")
    return aimed


def test_every_deployment_has_exactly_one_autoscaler() -> None:
    aimed = _autoscaled()
    assert set(aimed) == DEPLOYMENTS
    for name in CONSUMERS:
        assert aimed[name] == [f"ScaledObject/{name}"]
    for name in APIS:
        assert aimed[name] == [f"HorizontalPodAutoscaler/{name}"]


def test_the_apis_scale_on_cpu_between_two_and_six() -> None:
    for name, hpa in _of_kind("HorizontalPodAutoscaler").items():
        assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
        assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 6), name


def test_keda_scales_each_consumer_on_its_lag_up_to_the_partitions_of_its_topics() -> None:
    partitions = {t.name: t.partitions for t in all_topics()}
    expected = {"matcher": {"spie.needs.v1", "spie.candidates.v1"}, "notifier": {"spie.matches.v1"}}
    scaled = _of_kind("ScaledObject")
    assert set(scaled) == set(expected)
    for name, doc in scaled.items():
        triggers = doc["spec"]["triggers"]
        assert {t["type"] for t in triggers} == {"kafka"}
        assert {t["metadata"]["consumerGroup"] for t in triggers} == {name}
        topics = {t["metadata"]["topic"] for t in triggers}
        assert topics == expected[name]
        # A replica beyond the partitions of its topics would hold none of them.
        assert doc["spec"]["maxReplicaCount"] == min(partitions[t] for t in topics) == 6


def test_a_deployment_starts_with_its_autoscalers_minimum() -> None:
    minimum = {
        d["spec"]["scaleTargetRef"]["name"]: d["spec"]["minReplicaCount"]
        for d in _of_kind("ScaledObject").values()
    }
    minimum |= {n: d["spec"]["minReplicas"] for n, d in _of_kind("HorizontalPodAutoscaler").items()}
    for name, deployment in _of_kind("Deployment").items():
        assert deployment["spec"]["replicas"] == minimum[name]


# ---------------------------------------------------------------- availability and resources


def test_every_deployment_has_a_service_a_disruption_budget_and_probes() -> None:
    deployments = _of_kind("Deployment")
    assert set(deployments) == DEPLOYMENTS
    assert set(_of_kind("Service")) == DEPLOYMENTS | {"qdrant"}
    budgets = _of_kind("PodDisruptionBudget")
    for name, doc in deployments.items():
        container = _containers(doc)[0]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert doc["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
        assert budgets[name]["spec"]["minAvailable"] == 1
        assert budgets[name]["spec"]["selector"] == doc["spec"]["selector"]
        # With one replica, a budget of one would block every node drain.
        assert doc["spec"]["replicas"] >= 2


def test_each_service_asks_at_least_the_memory_and_cpu_the_benchmark_measured() -> None:
    runs = [json.loads((BENCH / f"{run}.json").read_text(encoding="utf-8")) for run in BENCH_RUNS]
    deployments = _of_kind("Deployment")
    for service in ("employer_intake", "candidate_profile", "matcher", "notifier"):
        resources_ = _containers(deployments[service.replace("_", "-")])[0]["resources"]
        during = max(r["peak_rss_mb_during_load"][service] for r in runs)
        ever = max(r["peak_rss_mb_since_start"][service] for r in runs)
        cpu = runs[1]["cpu_percent_of_one_core_during_load"][service] * 10  # 10 + 10/s
        assert _mebibytes(resources_["requests"]["memory"]) >= during, service
        assert _mebibytes(resources_["limits"]["memory"]) >= ever, service
        assert _millicores(resources_["requests"]["cpu"]) >= cpu, service
        assert "cpu" not in resources_["limits"], service  # throttling only adds latency


# ---------------------------------------------------------------- network


def _policies() -> dict[str, dict[str, Any]]:
    return _of_kind("NetworkPolicy")


def _selecting(labels: dict[str, str]) -> list[dict[str, Any]]:
    """The NetworkPolicies whose podSelector selects a pod with these labels."""
    return [
        p
        for p in _policies().values()
        if p["spec"]["podSelector"].get("matchLabels", {}).items() <= labels.items()
    ]


def _pod_labels(doc: dict[str, Any]) -> dict[str, str]:
    labels: dict[str, str] = doc["spec"]["template"]["metadata"]["labels"]
    return labels


def _ports(rules: list[dict[str, Any]]) -> set[int]:
    return {p["port"] for rule in rules for p in rule.get("ports", [])}


def test_the_namespace_denies_everything_not_allowed_and_allows_dns() -> None:
    deny = _policies()["default-deny"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    dns = _policies()["allow-dns"]["spec"]
    assert dns["podSelector"] == {} and _ports(dns["egress"]) == {53}
    assert {p["protocol"] for p in dns["egress"][0]["ports"]} == {"UDP", "TCP"}


def test_every_workload_is_selected_by_a_policy_of_its_own() -> None:
    workloads = _of_kind("Deployment") | _of_kind("StatefulSet")
    for name, doc in workloads.items():
        own = [p for p in _selecting(_pod_labels(doc)) if p["spec"]["podSelector"]]
        assert [p["metadata"]["name"] for p in own] == [name]
        assert own[0]["spec"]["policyTypes"] == ["Ingress", "Egress"]


def test_each_service_reaches_only_kafka_postgresql_and_what_it_must() -> None:
    for name, doc in _of_kind("Deployment").items():
        egress = [r for p in _selecting(_pod_labels(doc)) for r in p["spec"].get("egress", [])]
        assert _ports(egress) == EGRESS[name] | {53}, name
    # Qdrant: only the matcher's rule names it, and by the pods it runs in.
    matcher_rules = _policies()["matcher"]["spec"]["egress"]
    to_qdrant = [r for r in matcher_rules if _ports([r]) == {6333}]
    assert to_qdrant[0]["to"] == [
        {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "qdrant"}}}
    ]


def test_only_the_matcher_reaches_qdrant_and_qdrant_reaches_nothing_but_dns() -> None:
    qdrant = _policies()["qdrant"]["spec"]
    assert qdrant["ingress"] == [
        {
            "from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "matcher"}}}],
            "ports": [{"protocol": "TCP", "port": 6333}],
        }
    ]
    assert "egress" not in qdrant


def _peers(rules: list[dict[str, Any]]) -> set[str]:
    names = set()
    for rule in rules:
        for peer in rule["from"]:
            assert set(peer) == {"namespaceSelector"}, peer  # no pod of the namespace
            names.add(peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"])
    return names


def test_services_take_traffic_only_from_the_ingress_controller_and_monitoring() -> None:
    routed = {
        p["backend"]["service"]["name"]
        for ingress in _of_kind("Ingress").values()
        for rule in ingress["spec"]["rules"]
        for p in rule["http"]["paths"]
    }
    porte = urlsplit(
        _of_kind("Ingress")["spie-front"]["metadata"]["annotations"][
            "nginx.ingress.kubernetes.io/auth-url"
        ]
    )
    assert porte.hostname is not None
    routed.add(porte.hostname.split(".")[0])  # the session check the controller asks
    for name, doc in _of_kind("Deployment").items():
        rules = [r for p in _selecting(_pod_labels(doc)) for r in p["spec"].get("ingress", [])]
        expected = {MONITORING_NAMESPACE} | ({INGRESS_NAMESPACE} if name in routed else set())
        assert _peers(rules) == expected, name
        assert _ports(rules) == {_containers(doc)[0]["ports"][0]["containerPort"]}, name


def test_the_session_check_asks_the_notifier_in_the_namespace_the_manifests_go_to() -> None:
    annotations = _of_kind("Ingress")["spie-front"]["metadata"]["annotations"]
    host = urlsplit(annotations["nginx.ingress.kubernetes.io/auth-url"]).hostname or ""
    service, namespace = host.split(".")[:2]
    assert service in _of_kind("Deployment")
    assert namespace == _kustomization()["namespace"]


# ---------------------------------------------------------------- Qdrant


def test_the_matcher_finds_the_qdrant_server_at_its_service() -> None:
    env = {
        e["name"]: e.get("value") for e in _containers(_of_kind("Deployment")["matcher"])[0]["env"]
    }
    url = urlsplit(env["QDRANT_URL"])
    service = _of_kind("Service")[url.hostname or ""]
    assert url.port == service["spec"]["ports"][0]["port"]
    statefulset = _of_kind("StatefulSet")["qdrant"]
    assert service["spec"]["selector"].items() <= _pod_labels(statefulset).items()
    assert statefulset["spec"]["serviceName"] == service["metadata"]["name"]
    # No other service is handed a Qdrant address.
    config = _of_kind("ConfigMap")["spie-config"]["data"]
    assert "QDRANT_URL" not in config


def test_qdrant_keeps_its_index_on_a_volume_and_is_probed() -> None:
    statefulset = _of_kind("StatefulSet")["qdrant"]
    container = _containers(statefulset)[0]
    claim = statefulset["spec"]["volumeClaimTemplates"][0]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts[claim["metadata"]["name"]] == "/qdrant/storage"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert statefulset["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


# ---------------------------------------------------------------- one-shot jobs

JOBS = sorted((K8S / "jobs").glob("*.yaml"))


@pytest.mark.parametrize("path", JOBS, ids=lambda p: p.name)
def test_each_job_validates_runs_our_version_and_has_its_network_policy(path: Path) -> None:
    for job in _docs(path):
        kubernetes_validate.validate(job, "1.33.0", strict=True)
        _, tag = _split_image(_containers(job)[0]["image"])
        assert tag == VERSION
        own = [p for p in _selecting(_pod_labels(job)) if p["spec"]["podSelector"]]
        assert len(own) == 1
        egress = [r for p in _selecting(_pod_labels(job)) for r in p["spec"].get("egress", [])]
        assert _ports(egress) == DATA_PORTS | {53}
        assert "ingress" not in own[0]["spec"]


def test_the_setup_job_creates_the_topics_and_migrates_as_the_owner() -> None:
    job = _of_kind("Job", _docs(K8S / "jobs" / "setup.yaml"))["spie-setup"]
    container = _containers(job)[0]
    command = " ".join(container["command"])
    assert "python -m shared.topics ensure" in command
    assert "python -m shared.db setup" in command
    secrets = [s["secretRef"]["name"] for s in container["envFrom"] if "secretRef" in s]
    assert "spie-owner" in secrets
    # The owner's secret is the setup's alone.
    for _, doc in _k8s_resources():
        assert "spie-owner" not in json.dumps(doc), doc["metadata"]["name"]
