"""`rank-candidates`: the live pipeline on a temporary embedded index, for files of needs."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated

import typer

from services.matcher.adapters.edge_index import EdgeIndex
from services.matcher.adapters.embedder import build_embedder
from services.matcher.domain.model import Need, Profile
from services.matcher.domain.rome import RomeResolver
from services.matcher.entrypoints.jsonl import InputError, read_needs, read_profiles
from services.matcher.pipeline import Pipeline, Settings
from services.matcher.settings import MatcherSettings
from shared.db.pool import connect
from shared.referential.fixtures import fixture_paths
from shared.referential.lookup import Snapshot, load_snapshot, snapshot_from_files

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
BATCH = 256


def default_files() -> tuple[Path, Path]:
    rome, communes = SHARED_DATA / "rome", SHARED_DATA / "geo" / "communes_31.csv"
    if rome.is_dir() and communes.is_file():
        return rome, communes
    fixture = fixture_paths()
    return fixture.rome_dir, fixture.communes_file


async def load_referential(
    rome_dir: Path | None, communes_file: Path | None, *, use_db: bool
) -> Snapshot:
    """From PostgreSQL when reachable (and no file is named), else from the export files."""
    if use_db and rome_dir is None and communes_file is None:
        try:
            conn = await asyncio.wait_for(connect(MatcherSettings().dsn), timeout=3)
            try:
                snapshot = await load_snapshot(conn)
            finally:
                await conn.close()
            if snapshot.communes and snapshot.fiches:
                return snapshot
        except (OSError, TimeoutError, Exception) as exc:  # any failure: fall back to files
            typer.echo(
                f"referential: PostgreSQL unavailable ({type(exc).__name__}), "
                "reading the export files",
                err=True,
            )
    default_rome, default_communes = default_files()
    return await asyncio.to_thread(
        snapshot_from_files, rome_dir or default_rome, communes_file or default_communes
    )


def rank_candidates(
    needs: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="needs.jsonl")],
    candidates: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="candidates.jsonl")],
    top_k: Annotated[int, typer.Option(min=1, max=1000)] = 10,
    as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD: consent checked that day")] = None,
    rome_dir: Annotated[Path | None, typer.Option(help="RefRomeCsv export folder")] = None,
    communes_file: Annotated[
        Path | None, typer.Option("--communes-file", "--communes", help="communes CSV")
    ] = None,
    threshold: Annotated[float | None, typer.Option(min=0, max=1)] = None,
    embedder: Annotated[str | None, typer.Option(help="model name; 'fake' for tests")] = None,
    use_db: Annotated[bool, typer.Option("--db/--no-db")] = True,
) -> None:
    """Print one JSON line per need: {"need_id", "ranking": [{"candidate_id", "score", ...}]}."""
    try:
        at = (
            datetime.combine(date.fromisoformat(as_of), time(12), UTC)
            if as_of
            else datetime.now(UTC)
        )
        need_list, profile_list = read_needs(needs), read_profiles(candidates)
    except (InputError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    asyncio.run(
        _run(
            need_list, profile_list, top_k, at, rome_dir, communes_file, threshold, embedder, use_db
        )
    )


async def _run(
    needs: list[Need],
    profiles: list[Profile],
    top_k: int,
    at: datetime,
    rome_dir: Path | None,
    communes_file: Path | None,
    threshold: float | None,
    model: str | None,
    use_db: bool,
) -> None:
    snapshot = await load_referential(rome_dir, communes_file, use_db=use_db)
    embedder = await asyncio.to_thread(build_embedder, model)
    resolver = await asyncio.to_thread(RomeResolver, snapshot)
    base = MatcherSettings()
    settings = Settings(
        top_k=top_k,
        threshold=base.threshold if threshold is None else threshold,
        pool=max(base.candidate_pool, 2 * top_k),
    )
    with tempfile.TemporaryDirectory(prefix="matcher-batch-") as tmp:
        index = EdgeIndex(Path(tmp))
        await index.ensure(embedder.dim)
        pipeline = Pipeline(
            index=index,
            embedder=embedder,
            resolver=resolver,
            settings=settings,
        )
        for start in range(0, len(profiles), BATCH):
            await pipeline.index_profiles(profiles[start : start + BATCH], at=at)
        for need in needs:
            ranking = await pipeline.rank_for_need(need, at=at)
            line = {
                "need_id": need.need_id,
                "ranking": [
                    {
                        "candidate_id": p.profile.candidate_id,
                        "score": round(p.score, 4),
                        "explanation": p.explanation,
                    }
                    for p in ranking
                ],
            }
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        await index.close()
