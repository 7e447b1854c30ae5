"""The deployment files a user with Docker or Kubernetes will run are valid before they try."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from shared.topics import all_topics

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def _k8s_resources() -> list[tuple[str, dict[str, Any]]]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    return [(name, doc) for name in kustomization["resources"] for doc in _docs(K8S / name)]


def test_the_compose_file_follows_the_compose_specification() -> None:
    schema_file = resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    jsonschema.validate(compose, schema)


def test_compose_runs_two_matchers_and_waits_for_healthy_dependencies() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert services["matcher"]["deploy"]["replicas"] == 2
    for name in ("employer_intake", "candidate_profile", "matcher", "notifier"):
        deps = services[name]["depends_on"]
        assert deps["kafka"]["condition"] == "service_healthy"
        assert deps["postgres"]["condition"] == "service_healthy"
        assert services[name]["build"]["target"] == name
    for infra in ("kafka", "postgres", "qdrant"):
        assert "healthcheck" in services[infra]


@pytest.mark.parametrize(
    ("name", "doc"),
    [(n, d) for n, d in _k8s_resources() if "keda.sh" not in d["apiVersion"]],
    ids=lambda v: v if isinstance(v, str) else f"{v['kind']}/{v['metadata']['name']}",
)
def test_each_kubernetes_resource_validates_against_the_kubernetes_schema(
    name: str, doc: dict[str, Any]
) -> None:
    kubernetes_validate.validate(doc, "1.33.0", strict=True)


def test_every_deployment_has_a_service_an_autoscaler_and_probes() -> None:
    by_kind: dict[str, set[str]] = {}
    for _, doc in _k8s_resources():
        by_kind.setdefault(doc["kind"], set()).add(doc["metadata"]["name"])
        if doc["kind"] == "Deployment":
            container = doc["spec"]["template"]["spec"]["containers"][0]
            assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
            assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
            assert doc["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    deployments = by_kind["Deployment"]
    assert deployments == {"employer-intake", "candidate-profile", "matcher", "notifier", "actions"}
    assert by_kind["Service"] == deployments
    assert by_kind["HorizontalPodAutoscaler"] == deployments


def test_keda_scales_the_consumers_on_lag_of_declared_topics() -> None:
    topics = {t.name for t in all_topics()}
    scaled = {d["metadata"]["name"]: d for _, d in _k8s_resources() if d["kind"] == "ScaledObject"}
    assert set(scaled) == {"matcher", "notifier"}
    for name, doc in scaled.items():
        assert doc["spec"]["scaleTargetRef"]["name"] == name
        trigger = doc["spec"]["triggers"][0]
        assert trigger["type"] == "kafka"
        assert trigger["metadata"]["topic"] in topics
        assert trigger["metadata"]["consumerGroup"] == name
