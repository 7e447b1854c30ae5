"""Parse a RefRomeCsv export into plain rows, checking every reference between its files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from shared.referential.csvfile import Record, read_records, read_unique
from shared.referential.model import (
    Appellation,
    Fiche,
    FicheSkill,
    Mobility,
    Progress,
    RomeData,
    Skill,
    SkillKind,
    quiet,
)
from shared.referential.rome_files import RomeFiles, read_version
from shared.referential.text import gendered_forms

SKILLS_BLOC = "5"  # code_compo_bloc of the "Compétences" block of a fiche
RUBRIQUES: dict[str, SkillKind] = {"1": "savoir_faire", "2": "savoir_etre", "3": "savoir"}
_CODE_ROME = re.compile(r"^[A-N]\d{4}$")
_CODE_OGR = re.compile(r"^\d+$")


def parse_rome(files: RomeFiles, progress: Progress = quiet) -> RomeData:
    steps = 6
    progress("fiches", 0, steps)
    version, label = read_version(files.version_file)
    fiches = _fiches(files.paths["fiches"], files.paths["domaines"])
    known = {f.code_rome for f in fiches}
    progress("appellations", 1, steps)
    appellations = tuple(_appellations(files.paths["appellations"], known))
    progress("skills", 2, steps)
    skills = tuple(_competences(files.paths["competences"])) + tuple(
        _savoirs(files.paths["savoirs"])
    )
    progress("skill links", 3, steps)
    links = tuple(_links(files.paths["liens"], known, {s.code_ogr for s in skills}))
    progress("mobilities", 4, steps)
    mobilities = tuple(_mobilities(files.paths["mobilites"], known))
    progress("parsed", 5, steps)
    return RomeData(version, label, fiches, appellations, skills, links, mobilities)


def _code(record: Record, column: str, pattern: re.Pattern[str], known: set[str] | None) -> str:
    value = record[column]
    if not pattern.match(value):
        raise record.error(f"{column} {value!r} is not a valid code")
    if known is not None and value not in known:
        raise record.error(f"{column} {value!r} refers to no known entry")
    return value


def _fiches(path: Path, domaines_path: Path) -> tuple[Fiche, ...]:
    rows = {
        r["code_rome"]: r
        for r in read_unique(path, ["code_rome", "code_ogr", "libelle_rome"], "code_rome")
    }
    domaines = _domaines(domaines_path, set(rows))
    return tuple(
        Fiche(
            code_rome=_code(r, "code_rome", _CODE_ROME, None),
            code_ogr=_code(r, "code_ogr", _CODE_OGR, None),
            libelle=r.text("libelle_rome"),
            formes=gendered_forms(r.text("libelle_rome")),
            **domaines.get(code, {}),
        )
        for code, r in rows.items()
    )


def _domaines(path: Path, known: set[str]) -> dict[str, dict[str, str | None]]:
    # The export spells this column "professionel"; the correct spelling is accepted too.
    records = list(read_records(path, ["code_rome", "code_grand_domaine", "libelle_grand_domaine"]))
    header = records[0].values if records else {}
    spelling = "professionel" if "code_domaine_professionel" in header else "professionnel"
    found: dict[str, dict[str, str | None]] = {}
    for r in records:
        code = _code(r, "code_rome", _CODE_ROME, known)
        found[code] = {
            "code_grand_domaine": r["code_grand_domaine"] or None,
            "libelle_grand_domaine": r["libelle_grand_domaine"] or None,
            "code_domaine": r.values.get(f"code_domaine_{spelling}") or None,
            "libelle_domaine": r.values.get(f"libelle_domaine_{spelling}") or None,
        }
    return found


def _appellations(path: Path, known: set[str]) -> Iterator[Appellation]:
    columns = ["code_ogr", "libelle_appellation_long", "libelle_appellation_court", "code_rome"]
    for r in read_unique(path, [*columns, "classification"], "code_ogr"):
        libelle = r.text("libelle_appellation_long")
        yield Appellation(
            code_ogr=_code(r, "code_ogr", _CODE_OGR, None),
            code_rome=_code(r, "code_rome", _CODE_ROME, known),
            libelle=libelle,
            libelle_court=r["libelle_appellation_court"].strip() or libelle,
            formes=gendered_forms(libelle),
            principale=r["classification"] == "PRINCIPALE",
        )


def _competences(path: Path) -> Iterator[Skill]:
    for r in read_unique(path, ["code_ogr", "libelle_competence", "cat_comp"], "code_ogr"):
        code = _code(r, "code_ogr", _CODE_OGR, None)
        yield Skill(code, r.text("libelle_competence"), r["cat_comp"])


def _savoirs(path: Path) -> Iterator[Skill]:
    columns = ["code_ogr_savoir", "libelle_savoir", "categorie_savoir"]
    for r in read_unique(path, columns, "code_ogr_savoir"):
        code = _code(r, "code_ogr_savoir", _CODE_OGR, None)
        yield Skill(code, r.text("libelle_savoir"), r["categorie_savoir"])


def _links(path: Path, fiches: set[str], skills: set[str]) -> Iterator[FicheSkill]:
    seen: set[tuple[str, str]] = set()
    for r in read_records(path, ["code_rome", "code_compo_bloc", "code_rubrique", "code_ogr"]):
        if r["code_compo_bloc"] != SKILLS_BLOC:
            continue  # other blocks link appellations and work contexts, imported elsewhere
        kind = RUBRIQUES.get(r["code_rubrique"])
        if kind is None:
            raise r.error(f"unknown code_rubrique {r['code_rubrique']!r} in the skills block")
        key = (_code(r, "code_rome", _CODE_ROME, fiches), _code(r, "code_ogr", _CODE_OGR, skills))
        if key in seen:
            raise r.error(f"duplicate link {key[0]} → {key[1]}")
        seen.add(key)
        yield FicheSkill(key[0], key[1], kind)


def _mobilities(path: Path, known: set[str]) -> Iterator[Mobility]:
    seen: set[tuple[str, str]] = set()
    for r in read_records(path, ["code_rome", "code_rome_cible", "numero_ordre"]):
        source = _code(r, "code_rome", _CODE_ROME, known)
        target = _code(r, "code_rome_cible", _CODE_ROME, known)
        if not r["numero_ordre"].isdecimal():
            raise r.error(f"numero_ordre {r['numero_ordre']!r} is not a number")
        if (source, target) in seen:
            raise r.error(f"duplicate mobility {source} → {target}")
        seen.add((source, target))
        yield Mobility(source, target, int(r["numero_ordre"]))
