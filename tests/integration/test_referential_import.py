"""Importing the official ROME 4.0 export and the communes into the real PostgreSQL.

The import replaces the content of the `referential` schema and commits, as in production: each
test first brings the referential to the state it needs (the importer is idempotent), so the
tests hold in any order and on any run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from shared.db.migrate import migrate
from shared.db.pool import connect
from shared.referential.cli import MIGRATIONS
from shared.referential.errors import ReferentialFileError
from shared.referential.fixtures import fixture_paths
from shared.referential.importer import import_communes, import_rome
from shared.referential.lookup import load_snapshot

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
APPELLATIONS = "unix_referentiel_appellation_v460_utf8.csv"
CUT_LINE = 6000


@pytest.fixture(scope="module")
async def conn(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await connect(dsn)
    await migrate(conn, schema="referential", directory=MIGRATIONS)
    yield conn
    await conn.close()


@pytest.fixture(scope="module")
def rome_dir(shared_data: Path) -> Path:
    return shared_data / "rome"


@pytest.fixture(scope="module")
def truncated_rome(rome_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The export with its appellation file cut in the middle of line CUT_LINE."""
    copy = tmp_path_factory.mktemp("rome") / "rome"
    shutil.copytree(rome_dir, copy, copy_function=shutil.copyfile)
    data = (copy / APPELLATIONS).read_bytes()
    lines = data.split(b"\n")
    start = sum(len(x) + 1 for x in lines[: CUT_LINE - 1])
    (copy / APPELLATIONS).write_bytes(data[: start + len(lines[CUT_LINE - 1]) // 2])
    return copy


async def _counts(conn: asyncpg.Connection) -> dict[str, int]:
    tables = ("fiches", "appellations", "fiche_skills", "mobilites", "communes")
    return {t: await conn.fetchval(f"select count(*) from referential.{t}") for t in tables}


async def _latest(conn: asyncpg.Connection, kind: str) -> asyncpg.Record:
    return await conn.fetchrow(
        "select id, version, checksum, imported_at from referential.versions"
        " where kind = $1 order by id desc limit 1",
        kind,
    )


async def test_importing_the_rome_export_gives_the_published_counts(
    conn: asyncpg.Connection, rome_dir: Path
) -> None:
    result = await import_rome(conn, rome_dir)
    counts = await _counts(conn)
    assert (counts["fiches"], counts["appellations"], counts["mobilites"]) == (1584, 13120, 14912)
    assert result.version == "60"
    assert result.counts["fiches"] == 1584 and result.counts["mobilities"] == 14912
    assert counts["fiche_skills"] == result.counts["fiche_skills"] > 0


async def test_a_second_import_changes_nothing(conn: asyncpg.Connection, rome_dir: Path) -> None:
    await import_rome(conn, rome_dir)
    before, counts = await _latest(conn, "rome"), await _counts(conn)
    again = await import_rome(conn, rome_dir)
    assert not again.changed
    assert (again.imported_at, again.checksum) == (before["imported_at"], before["checksum"])
    assert await _latest(conn, "rome") == before
    assert await _counts(conn) == counts


async def test_importing_the_haute_garonne_communes_gives_586(
    conn: asyncpg.Connection, shared_data: Path
) -> None:
    await import_communes(conn, shared_data / "geo" / "communes_31.csv")
    assert (await _counts(conn))["communes"] == 586
    again = await import_communes(conn, shared_data / "geo" / "communes_31.csv")
    assert not again.changed and again.counts == {"communes": 586}


async def test_a_truncated_appellation_file_fails_at_its_line_and_keeps_the_referential(
    conn: asyncpg.Connection, rome_dir: Path, truncated_rome: Path
) -> None:
    await import_rome(conn, rome_dir)
    before, counts = await _latest(conn, "rome"), await _counts(conn)
    with pytest.raises(ReferentialFileError) as caught:
        await import_rome(conn, truncated_rome)
    assert (caught.value.file, caught.value.line) == (APPELLATIONS, CUT_LINE)
    assert await _counts(conn) == counts
    assert await _latest(conn, "rome") == before


async def test_a_failure_while_writing_leaves_the_previous_version_in_force(
    conn: asyncpg.Connection, rome_dir: Path
) -> None:
    await import_rome(conn, rome_dir)
    before, counts = await _latest(conn, "rome"), await _counts(conn)

    def crash_midway(step: str, done: int, total: int) -> None:
        if step == "writing fiche_skills":  # fiches and appellations are already replaced
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        await import_rome(conn, rome_dir, progress=crash_midway, force=True)
    assert await _counts(conn) == counts
    assert await _latest(conn, "rome") == before


async def test_the_snapshot_loaded_from_postgresql_answers_the_services(
    conn: asyncpg.Connection, rome_dir: Path, shared_data: Path
) -> None:
    await import_rome(conn, rome_dir)
    await import_communes(conn, shared_data / "geo" / "communes_31.csv")
    snapshot = await load_snapshot(conn)
    assert len(snapshot.fiches) == 1584 and len(snapshot.communes) == 586
    assert "F1703" in {a.code_rome for a in snapshot.appellations_named("maconne")}
    # IGN centroids: 77.8 km as the crow flies (the road is ~95 km).
    assert snapshot.distance_km("31555", "31483") == pytest.approx(77.8, abs=0.5)
    ordered = await conn.fetch(
        "select code_rome_cible from referential.mobilites where code_rome = 'F1703' order by rang"
    )
    assert snapshot.mobilities("F1703") == tuple(r[0] for r in ordered)
    assert snapshot.versions["rome"] == "60"


async def test_the_fixture_imports_through_the_same_importer(
    conn: asyncpg.Connection, db_conn: asyncpg.Connection
) -> None:
    # db_conn is rolled back after the test: the referential in force is left as it was.
    result = await import_rome(db_conn, fixture_paths().rome_dir, force=True)
    assert result.changed and result.version == "fixture-1"
    assert (await _counts(db_conn))["fiches"] == result.counts["fiches"] == 45
    assert (await load_snapshot(db_conn)).fiche("F1703") is not None


def test_the_cli_reports_file_and_line_of_a_broken_file(dsn: str, truncated_rome: Path) -> None:
    done = _cli("import-rome", str(truncated_rome), "--database-url", dsn)
    assert done.returncode == 1
    assert f"{truncated_rome / APPELLATIONS}:{CUT_LINE}: " in done.stderr


def test_the_cli_prints_counts_and_version(dsn: str, rome_dir: Path) -> None:
    done = _cli("import-rome", str(rome_dir), "--database-url", dsn)
    assert done.returncode == 0, done.stderr
    for expected in ("1,584", "13,120", "14,912", "rome 60"):
        assert expected in done.stdout


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shared.referential", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "COLUMNS": "200"},  # a wide table, no wrapped numbers
        check=False,
    )


async def test_a_database_without_the_referential_or_with_an_empty_one_says_how_to_import_it(
    dsn: str, unique: str
) -> None:
    """A service started on an empty database stops with the command to run, not a traceback
    about a missing table."""
    from shared.referential.lookup import ReferentialMissing

    name = f"empty_{unique}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'create database "{name}"')
        empty = await asyncpg.connect(dsn.rsplit("/", 1)[0] + f"/{name}")
        try:
            with pytest.raises(ReferentialMissing, match=r"not imported.*make referential"):
                await load_snapshot(empty)
            await migrate(empty, schema="referential", directory=MIGRATIONS)  # tables, no rows
            with pytest.raises(ReferentialMissing, match=r"empty.*make referential"):
                await load_snapshot(empty)
        finally:
            await empty.close()
    finally:
        await admin.execute(f'drop database if exists "{name}"')
        await admin.close()
