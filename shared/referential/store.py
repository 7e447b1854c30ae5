"""SQL of the referential schema: replace its content, record and read the version in force."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Literal

import asyncpg

from shared.referential.model import Commune, Progress, RomeData

SCHEMA = "referential"
Kind = Literal["rome", "communes"]
# Children first: foreign keys point from these tables to fiches and skills.
_ROME_TABLES = ("mobilites", "fiche_skills", "appellations", "skills", "fiches")


@dataclass(frozen=True, slots=True)
class NewVersion:
    kind: Kind
    version: str
    label: str
    checksum: str
    counts: dict[str, int]
    source: str


@dataclass(frozen=True, slots=True)
class VersionRow(NewVersion):
    imported_at: datetime


async def current_version(conn: asyncpg.Connection, kind: Kind) -> VersionRow | None:
    row = await conn.fetchrow(
        "select kind, version, label, checksum, counts::text as counts, source, imported_at"
        " from referential.versions where kind = $1 order by id desc limit 1",
        kind,
    )
    if row is None:
        return None
    return VersionRow(**{**dict(row), "counts": json.loads(row["counts"])})


async def lock(conn: asyncpg.Connection, kind: Kind) -> None:
    """Serialise imports of one kind until the end of the caller's transaction."""
    await conn.execute("select pg_advisory_xact_lock(hashtext($1))", f"referential:{kind}")


async def record_version(conn: asyncpg.Connection, row: NewVersion) -> VersionRow:
    # counts goes through text so that the result does not depend on a jsonb codec being set.
    imported_at: datetime = await conn.fetchval(
        "insert into referential.versions (kind, version, label, checksum, counts, source)"
        " values ($1, $2, $3, $4, $5::text::jsonb, $6) returning imported_at",
        row.kind,
        row.version,
        row.label,
        row.checksum,
        json.dumps(row.counts, sort_keys=True),
        row.source,
    )
    return VersionRow(
        **{f.name: getattr(row, f.name) for f in fields(row)}, imported_at=imported_at
    )


async def replace_rome(conn: asyncpg.Connection, data: RomeData, progress: Progress) -> None:
    for table in _ROME_TABLES:
        await conn.execute(f"delete from {SCHEMA}.{table}")  # noqa: S608 - constant names
    steps: list[tuple[str, Sequence[Any]]] = [
        ("fiches", data.fiches),
        ("appellations", data.appellations),
        ("skills", data.skills),
        ("fiche_skills", data.fiche_skills),
    ]
    for done, (table, rows) in enumerate(steps):
        progress(f"writing {table}", done, len(steps) + 1)
        await _copy(conn, table, rows)
    progress("writing mobilites", len(steps), len(steps) + 1)
    await _copy(conn, "mobilites", data.mobilities)


async def replace_communes(conn: asyncpg.Connection, communes: Sequence[Commune]) -> None:
    await conn.execute("delete from referential.communes")
    await _copy(conn, "communes", communes)


async def _copy(conn: asyncpg.Connection, table: str, rows: Sequence[Any]) -> None:
    if not rows:
        return
    columns = [f.name for f in fields(rows[0])]
    records = [tuple(getattr(r, c) for c in columns) for r in rows]
    await conn.copy_records_to_table(table, schema_name=SCHEMA, columns=columns, records=records)
