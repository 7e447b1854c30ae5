"""Where the files of a RefRomeCsv export are, and which ROME version they hold."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from shared.referential.csvfile import read_text
from shared.referential.errors import ReferentialFileError

# The export's files, by the stem between "unix_" and "_v<release>_utf8.csv".
STEMS = {
    "fiches": "referentiel_code_rome",
    "domaines": "cr_gd_dp",
    "appellations": "referentiel_appellation",
    "competences": "referentiel_competence",
    "savoirs": "referentiel_savoir",
    "liens": "liens_rome_referentiels",
    "mobilites": "rubrique_mobilite",
}
VERSION_FILE = "version.txt"
_NAME = re.compile(r"^unix_(?P<stem>[a-z_]+)_v(?P<release>\d+)_utf8\.csv$")


@dataclass(frozen=True, slots=True)
class RomeFiles:
    directory: Path
    release: str
    paths: dict[str, Path]
    version_file: Path

    def all(self) -> list[Path]:
        return [*self.paths.values(), self.version_file]


def locate(directory: Path) -> RomeFiles:
    """Find each needed file once; refuse a folder that mixes files of two releases."""
    if not directory.is_dir():
        raise ReferentialFileError(directory, None, "not a directory")
    found: dict[str, list[tuple[Path, str]]] = {}
    for path in sorted(directory.iterdir()):
        match = _NAME.match(path.name)
        if match:
            found.setdefault(match["stem"], []).append((path, match["release"]))
    paths: dict[str, Path] = {}
    releases: set[str] = set()
    for key, stem in STEMS.items():
        candidates = found.get(stem, [])
        if len(candidates) != 1:
            what = "missing file" if not candidates else "several releases of this file"
            raise ReferentialFileError(directory / f"unix_{stem}_v*_utf8.csv", None, what)
        paths[key], release = candidates[0]
        releases.add(release)
    if len(releases) != 1:
        raise ReferentialFileError(
            directory, None, f"files of several releases: {sorted(releases)}"
        )
    version_file = directory / VERSION_FILE
    if not version_file.is_file():
        raise ReferentialFileError(version_file, None, "missing file")
    return RomeFiles(directory, releases.pop(), paths, version_file)


def read_version(path: Path) -> tuple[str, str]:
    """(number, title) from the lines "Numero de version : 60" and "Titre/commentaire : ..."."""
    fields: dict[str, str] = {}
    for line in read_text(path).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip().casefold(), value.strip())
    version = fields.get("numero de version", "")
    if not version:
        raise ReferentialFileError(path, None, "no 'Numero de version :' line")
    return version, fields.get("titre/commentaire", "") or f"ROME version {version}"
