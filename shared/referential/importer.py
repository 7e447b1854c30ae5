"""Import ROME 4.0 and the communes into the `referential` schema: idempotent and all-or-nothing.

The source files' checksum is compared with the one recorded at the last import: when equal,
nothing is touched. Otherwise the files are parsed and checked in full before any write, then the
content is replaced in one transaction, so a broken file or a failure leaves the previous
version in force, and readers keep seeing it until the commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import asyncpg

from shared.referential import store
from shared.referential.communes import parse_communes
from shared.referential.csvfile import checksum
from shared.referential.model import Progress, quiet
from shared.referential.rome import parse_rome
from shared.referential.rome_files import locate
from shared.referential.store import Kind, NewVersion, VersionRow

# Part of the checksum: a new parser re-imports unchanged files, since its rows may differ.
PARSER_VERSION = "spie-referential-1"


@dataclass(frozen=True, slots=True)
class ImportResult:
    kind: Kind
    version: str
    label: str
    checksum: str
    counts: dict[str, int]
    imported_at: datetime
    changed: bool


async def import_rome(
    conn: asyncpg.Connection, directory: Path, *, progress: Progress = quiet, force: bool = False
) -> ImportResult:
    files = locate(directory)
    digest = await asyncio.to_thread(source_checksum, files.all())

    async def write() -> NewVersion:
        # Parsing takes about a second of CPU: keep it off the event loop.
        data = await asyncio.to_thread(parse_rome, files, progress)
        await store.replace_rome(conn, data, progress)
        return NewVersion("rome", data.version, data.label, digest, data.counts(), str(directory))

    return await _import(conn, "rome", digest, write, force=force)


async def import_communes(
    conn: asyncpg.Connection,
    file: Path,
    *,
    version: str | None = None,
    progress: Progress = quiet,
    force: bool = False,
) -> ImportResult:
    """`version` names the release (e.g. "COG 2026"); by default, the start of the checksum."""
    digest = await asyncio.to_thread(source_checksum, [file])

    async def write() -> NewVersion:
        progress("reading communes", 0, 2)
        communes = await asyncio.to_thread(parse_communes, file)
        progress("writing communes", 1, 2)
        await store.replace_communes(conn, communes)
        counts = {"communes": len(communes)}
        name = version or communes_version(digest)
        return NewVersion("communes", name, file.name, digest, counts, str(file))

    return await _import(conn, "communes", digest, write, force=force)


def source_checksum(paths: list[Path]) -> str:
    return checksum(paths, salt=PARSER_VERSION)


def communes_version(digest: str) -> str:
    """The communes files carry no release number: name the version after the content."""
    return f"sha256:{digest[:12]}"


async def _import(
    conn: asyncpg.Connection,
    kind: Kind,
    digest: str,
    write: Callable[[], Awaitable[NewVersion]],
    *,
    force: bool,
) -> ImportResult:
    async with conn.transaction():
        await store.lock(conn, kind)
        current = await store.current_version(conn, kind)
        if current is not None and current.checksum == digest and not force:
            return _result(current, changed=False)
        recorded = await store.record_version(conn, await write())
    return _result(recorded, changed=True)


def _result(row: VersionRow, *, changed: bool) -> ImportResult:
    return ImportResult(
        row.kind, row.version, row.label, row.checksum, row.counts, row.imported_at, changed
    )
