"""The read side for the services: load the referential in force into an in-memory Snapshot.

    snapshot = await load_snapshot(conn)          # once per process, e.g. in the lifespan
    snapshot.distance_km("31555", "31483")        # Toulouse → Saint-Gaudens, ~82 km
    snapshot.appellations_named("maconne")        # the appellations with that form

Without a database, `Snapshot.build(...)` takes plain rows and `snapshot_from_files` the exports
(or the fixture, see `shared.referential.fixtures.fixture_paths`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg

from shared.referential.communes import parse_communes
from shared.referential.importer import communes_version, source_checksum
from shared.referential.model import Appellation, Commune, Fiche, FicheSkill, Mobility, Skill
from shared.referential.rome import parse_rome
from shared.referential.rome_files import locate
from shared.referential.snapshot import SkillOfFiche, Snapshot
from shared.referential.text import normalise

__all__ = ["SkillOfFiche", "Snapshot", "load_snapshot", "normalise", "snapshot_from_files"]


class ReferentialMissing(RuntimeError):
    """The database holds no referential yet: the services cannot check communes or ROME codes."""


async def load_snapshot(conn: asyncpg.Connection) -> Snapshot:
    """Read the whole referential in one consistent view, even if an import commits meanwhile.

    Every service needs it whole: with no communes or no ROME fiches it would refuse every
    commune or code, so a missing or empty referential stops the caller with what to run."""
    try:
        if conn.is_in_transaction():
            snapshot = await _read(conn)
        else:
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                snapshot = await _read(conn)
    except asyncpg.UndefinedTableError as exc:
        raise ReferentialMissing(_MISSING.format(state="not imported")) from exc
    if not snapshot.communes or not snapshot.fiches:
        raise ReferentialMissing(_MISSING.format(state="empty"))
    return snapshot


_MISSING = (
    "the ROME and communes referential is {state} in this database: run `make referential`"
    " (python -m shared.referential import-rome DIR and import-communes FILE), then start the"
    " service again"
)


_QUERIES = {
    "fiches": "select code_rome, code_ogr, libelle, formes, code_grand_domaine,"
    " libelle_grand_domaine, code_domaine, libelle_domaine from referential.fiches",
    "appellations": "select code_ogr, code_rome, libelle, libelle_court, formes, principale"
    " from referential.appellations",
    # Only the items some fiche uses: the referentials hold a few thousand more.
    "skills": "select code_ogr, libelle, categorie from referential.skills s where exists"
    " (select from referential.fiche_skills l where l.code_ogr = s.code_ogr)",
    "fiche_skills": "select code_rome, code_ogr, kind from referential.fiche_skills",
    "mobilities": "select code_rome, code_rome_cible, rang from referential.mobilites",
    "communes": "select code_insee, nom, codes_postaux, population, latitude, longitude"
    " from referential.communes",
    "versions": "select distinct on (kind) kind, version from referential.versions"
    " order by kind, id desc",
}


async def _read(conn: asyncpg.Connection) -> Snapshot:
    rows = {name: await conn.fetch(sql) for name, sql in _QUERIES.items()}
    return Snapshot.build(
        fiches=(Fiche(**_tupled(r, "formes")) for r in rows["fiches"]),
        appellations=(Appellation(**_tupled(r, "formes")) for r in rows["appellations"]),
        skills=(Skill(**dict(r)) for r in rows["skills"]),
        fiche_skills=(FicheSkill(**dict(r)) for r in rows["fiche_skills"]),
        mobilities=(Mobility(**dict(r)) for r in rows["mobilities"]),
        communes=(Commune(**_tupled(r, "codes_postaux")) for r in rows["communes"]),
        versions={r["kind"]: r["version"] for r in rows["versions"]},
    )


def _tupled(record: asyncpg.Record, column: str) -> dict[str, Any]:
    return {**dict(record), column: tuple(record[column])}


def snapshot_from_files(rome_dir: Path, communes_file: Path) -> Snapshot:
    """A snapshot straight from export files, for the demo and tests without PostgreSQL."""
    rome = parse_rome(locate(rome_dir))
    return Snapshot.build(
        fiches=rome.fiches,
        appellations=rome.appellations,
        skills=rome.skills,
        fiche_skills=rome.fiche_skills,
        mobilities=rome.mobilities,
        communes=parse_communes(communes_file),
        versions={
            "rome": rome.version,
            "communes": communes_version(source_checksum([communes_file])),
        },
    )
