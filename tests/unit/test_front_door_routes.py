"""The three front doors route alike (issue 20): the local stack's nginx, compose's nginx and the
Kubernetes ingress send the same path prefixes to the same services, ask for a session on the
same paths, and keep the passeport's personal links free of any session and identity header."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
LOCAL_CONF = REPO / "deploy" / "local" / "front.conf.template"
COMPOSE_CONF = REPO / "deploy" / "docker" / "front.conf"
COMPOSE = REPO / "docker-compose.yml"
K8S = REPO / "deploy" / "k8s"
INGRESS = K8S / "ingress.yaml"

SERVICES = {"employer_intake", "candidate_profile", "notifier", "actions"}
# The local door's upstream names (ports rendered by deploy/local/stack.sh).
LOCAL_UPSTREAMS = {
    "intake": "employer_intake",
    "profiles": "candidate_profile",
    "notifier": "notifier",
    "actions": "actions",
}
AUTH_URL = "nginx.ingress.kubernetes.io/auth-url"
SNIPPET = "nginx.ingress.kubernetes.io/configuration-snippet"
PORTE = "http://notifier.spie31.svc.cluster.local:8004/session/porte"

_LOCATION = re.compile(r"^\s*location\s+(?:(=)\s*)?(\S+)\s*\{(.*?)\}", re.M | re.S)
_PROXY_PASS = re.compile(r"\bproxy_pass\s+http://([\w.-]+)")
_UPSTREAM = re.compile(r"^\s*upstream\s+(\w+)\s*\{\s*server\s+([\w.-]+):(\w+);\s*\}", re.M)
_ADD_HEADER = re.compile(r"^\s*(add_header\s.*;)\s*$", re.M)
_STRIP_IDENTITY = re.compile(r'proxy_set_header\s+X-Spie-Identity\s+""\s*;')


@dataclass(frozen=True)
class Route:
    service: str
    open: bool  # no session check


@dataclass(frozen=True)
class Location:
    exact: bool
    path: str
    body: str


def _nginx(path: Path) -> str:
    """The configuration without its comments (no `#` in this project's directives)."""
    return re.sub(r"#[^\n]*", "", path.read_text(encoding="utf-8"))


def _locations(conf: str) -> list[Location]:
    return [Location(m.group(1) == "=", m.group(2), m.group(3)) for m in _LOCATION.finditer(conf)]


def _nginx_routes(conf: str, upstream_service: dict[str, str]) -> dict[str, Route]:
    """Path prefix -> route, for each location proxied to a service (not the internal
    session check, not the exact `/` nor the locations answering by themselves)."""
    routes: dict[str, Route] = {}
    for loc in _locations(conf):
        proxied = _PROXY_PASS.search(loc.body)
        if loc.exact or re.search(r"\binternal\s*;", loc.body) or proxied is None:
            continue
        assert loc.path not in routes, f"location {loc.path} twice"
        assert proxied.group(1) in upstream_service, f"{loc.path}: unknown upstream {proxied[1]}"
        is_open = re.search(r"\bauth_request\s+off\s*;", loc.body) is not None
        routes[loc.path] = Route(upstream_service[proxied.group(1)], is_open)
    return routes


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def _compose_upstreams() -> dict[str, str]:
    """compose door's upstream name -> service, each server being a compose service on the
    port that service listens on."""
    services = _compose()["services"]
    upstreams: dict[str, str] = {}
    for name, host, port in _UPSTREAM.findall(_nginx(COMPOSE_CONF)):
        assert host in SERVICES and host in services, f"upstream {name}: {host} is no service"
        listened = {str(p).rsplit(":", 1)[-1] for p in services[host].get("ports", [])}
        assert port in listened, f"upstream {name}: {host} does not listen on {port}"
        upstreams[name] = host
    return upstreams


def _ingresses() -> list[dict[str, Any]]:
    docs = [d for d in yaml.safe_load_all(INGRESS.read_text(encoding="utf-8")) if d]
    assert docs and all(d["kind"] == "Ingress" for d in docs)
    return docs


def _k8s_service_ports() -> dict[str, int]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    ports: dict[str, int] = {}
    for name in kustomization["resources"]:
        for doc in yaml.safe_load_all((K8S / name).read_text(encoding="utf-8")):
            if doc and doc["kind"] == "Service":
                ports[doc["metadata"]["name"]] = doc["spec"]["ports"][0]["port"]
    return ports


def _k8s_routes() -> dict[str, Route]:
    service_ports = _k8s_service_ports()
    routes: dict[str, Route] = {}
    for ingress in _ingresses():
        annotations = ingress["metadata"].get("annotations", {})
        is_open = AUTH_URL not in annotations
        assert ingress["spec"]["ingressClassName"] == "nginx"
        for rule in ingress["spec"]["rules"]:
            for p in rule["http"]["paths"]:
                backend = p["backend"]["service"]
                assert p["pathType"] == "Prefix", p
                assert service_ports[backend["name"]] == backend["port"]["number"], p
                assert p["path"] not in routes, f"path {p['path']} twice"
                routes[p["path"]] = Route(backend["name"].replace("-", "_"), is_open)
    return routes


def _all_routes() -> dict[str, dict[str, Route]]:
    return {
        "local": _nginx_routes(_nginx(LOCAL_CONF), LOCAL_UPSTREAMS),
        "compose": _nginx_routes(_nginx(COMPOSE_CONF), _compose_upstreams()),
        "kubernetes": _k8s_routes(),
    }


def test_the_local_door_routes_pages_to_the_three_services() -> None:
    local = _all_routes()["local"]
    assert {"/espace", "/passeport/", "/federation", "/connexion", "/commun/"} <= set(local)
    assert {r.service for r in local.values()} == SERVICES


@pytest.mark.parametrize("door", ["compose", "kubernetes"])
def test_each_door_routes_the_same_prefixes_to_the_same_services(door: str) -> None:
    routes = _all_routes()
    local, other = routes["local"], routes[door]
    assert set(local) - set(other) == set(), f"routed by the local door, not by {door}"
    assert set(other) - set(local) == set(), f"routed by {door}, not by the local door"
    assert {p: r.service for p, r in other.items()} == {p: r.service for p, r in local.items()}


@pytest.mark.parametrize("door", ["compose", "kubernetes"])
def test_each_door_asks_for_a_session_on_the_same_paths(door: str) -> None:
    routes = _all_routes()
    open_paths = {p for p, r in routes[door].items() if r.open}
    assert open_paths == {p for p, r in routes["local"].items() if r.open}


def test_the_passeport_needs_no_session_at_any_door() -> None:
    for door, routes in _all_routes().items():
        assert routes["/passeport/"] == Route("candidate_profile", open=True), door
    (open_ingress,) = [i for i in _ingresses() if AUTH_URL not in i["metadata"]["annotations"]]
    paths = {p["path"] for r in open_ingress["spec"]["rules"] for p in r["http"]["paths"]}
    assert "/passeport/" in paths


def test_the_passeport_never_receives_the_browsers_identity_header() -> None:
    for conf in (LOCAL_CONF, COMPOSE_CONF):
        (passeport,) = [loc for loc in _locations(_nginx(conf)) if loc.path == "/passeport/"]
        assert _STRIP_IDENTITY.search(passeport.body), conf
    for ingress in _ingresses():
        if AUTH_URL not in ingress["metadata"]["annotations"]:
            assert _STRIP_IDENTITY.search(ingress["metadata"]["annotations"][SNIPPET])


def test_the_nginx_doors_ask_the_notifier_and_pass_on_its_answer_only() -> None:
    for conf in (LOCAL_CONF, COMPOSE_CONF):
        text = _nginx(conf)
        assert re.search(r"^\s{8}auth_request /_porte;", text, re.M), conf
        assert "auth_request_set $spie_identity $upstream_http_x_spie_identity;" in text
        assert re.search(r"^\s{8}proxy_set_header X-Spie-Identity \$spie_identity;", text, re.M)
        (porte,) = [loc for loc in _locations(text) if loc.path == "/_porte"]
        assert porte.exact and "proxy_pass http://notifier/session/porte;" in porte.body


def test_the_compose_door_is_the_local_one_with_other_addresses() -> None:
    local, compose = _nginx(LOCAL_CONF), _nginx(COMPOSE_CONF)

    def shape(conf: str, upstreams: dict[str, str]) -> list[tuple[bool, str, str]]:
        # Each location with its upstream names replaced by the service names.
        out = []
        for loc in _locations(conf):
            body = _PROXY_PASS.sub(lambda m: f"proxy_pass http://{upstreams[m[1]]}", loc.body)
            out.append((loc.exact, loc.path, " ".join(body.split())))
        return out

    assert shape(compose, _compose_upstreams()) == shape(local, LOCAL_UPSTREAMS)
    assert _ADD_HEADER.findall(compose) == _ADD_HEADER.findall(local)
    for block in (r"map \$uri \$logged_uri \{.*?\}", r"log_format door [^;]*;"):
        in_local, in_compose = (re.search(block, conf, re.S) for conf in (local, compose))
        assert in_local and in_compose and in_local[0] == in_compose[0], block
    assert re.search(r"access_log \S+ door;", compose)


def test_the_ingresses_ask_the_notifier_and_send_the_same_headers() -> None:
    headers = [" ".join(h.split()) for h in _ADD_HEADER.findall(_nginx(LOCAL_CONF))]
    assert len(headers) == 4
    guarded = [i for i in _ingresses() if AUTH_URL in i["metadata"]["annotations"]]
    assert len(guarded) == 1
    annotations = guarded[0]["metadata"]["annotations"]
    assert annotations[AUTH_URL] == PORTE
    assert annotations["nginx.ingress.kubernetes.io/auth-response-headers"] == "X-Spie-Identity"
    for ingress in _ingresses():
        snippet = " ".join(ingress["metadata"]["annotations"][SNIPPET].split())
        for header in headers:
            assert header in snippet, (ingress["metadata"]["name"], header)
    resources = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    assert "ingress.yaml" in resources["resources"]


def test_compose_runs_the_door_in_front_of_the_three_services() -> None:
    services = _compose()["services"]
    front = services["front"]
    assert front["image"].startswith("nginx:")
    assert "./deploy/docker/front.conf:/etc/nginx/nginx.conf:ro" in front["volumes"]
    assert front["ports"] == ["8080:8080"]
    assert re.search(r"^\s*listen 8080;", _nginx(COMPOSE_CONF), re.M)
    assert set(front["depends_on"]) == SERVICES
    assert "healthcheck" in front
    public_url = services["notifier"]["environment"]["SPIE_PUBLIC_URL"]
    assert public_url == "${SPIE_PUBLIC_URL:-http://localhost:8080}"
