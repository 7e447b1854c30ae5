"""The trame's versions, read from their files (`trame-v1.json`, `trame-v2.json`, ...).

Read once at start: a broken file stops the service with the file and the place named, so a
partners' amendment that does not hold is caught before any référent opens a form.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from pydantic import ValidationError

from services.candidate_profile.domain.trame import Trame

DEFAULT_DIRECTORY = Path(__file__).parent.parent / "trame"
_NAME = re.compile(r"^trame-v(\d+)\.json$")


class TrameError(ValueError):
    """A trame file that cannot be used, with where and why."""


@dataclass(frozen=True)
class TrameCatalog:
    """Every version of the trame; new diagnostics use the latest."""

    versions: Mapping[int, Trame]

    @property
    def current(self) -> Trame:
        return self.versions[max(self.versions)]

    def get(self, version: int) -> Trame | None:
        return self.versions.get(version)


def parse_trame(text: str, source: str) -> Trame:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TrameError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}):"
                         f" {exc.msg}") from exc  # fmt: skip
    try:
        return Trame.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_problem(e) for e in exc.errors())
        raise TrameError(f"{source}: {problems}") from exc


def _problem(error: object) -> str:
    assert isinstance(error, dict)
    where = ".".join(str(p) for p in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def load_catalog(directory: Path = DEFAULT_DIRECTORY) -> TrameCatalog:
    versions: dict[int, Trame] = {}
    for path in sorted(directory.glob("trame-*.json")):
        match = _NAME.match(path.name)
        if match is None:
            raise TrameError(f"{path}: a trame file is named trame-vN.json")
        trame = parse_trame(path.read_text(encoding="utf-8"), str(path))
        if trame.version != int(match.group(1)):
            raise TrameError(f"{path}: declares version {trame.version}, its name says otherwise")
        versions[trame.version] = trame
    if not versions:
        raise TrameError(f"{directory}: no trame-vN.json file")
    return TrameCatalog(MappingProxyType(versions))
