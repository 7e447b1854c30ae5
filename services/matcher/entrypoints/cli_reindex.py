"""`python -m services.matcher reindex`: the embedded index rebuilt with another encoder."""

from __future__ import annotations

import asyncio
from typing import cast

import asyncpg
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from services.matcher.adapters.edge_index import IndexBusy
from services.matcher.adapters.embedder import build_embedder
from services.matcher.domain.rome import RomeResolver
from services.matcher.reindex import Reindexed, reindex
from services.matcher.settings import MatcherSettings, load_settings
from shared.db.pool import create_pool
from shared.referential.lookup import ReferentialMissing, load_snapshot


def run(embedder_name: str | None) -> None:
    settings = load_settings()
    if settings.qdrant_url:
        typer.echo(
            "reindex rebuilds the embedded index only; with a Qdrant server (QDRANT_URL), start"
            " a matcher with the new SPIE_EMBEDDER, a new SPIE_QDRANT_COLLECTION_PREFIX and a new"
            " SPIE_CONSUMER_GROUP, let it catch up from the topics, then stop the old one",
            err=True,
        )
        raise typer.Exit(2)
    try:
        done = asyncio.run(_run(settings, embedder_name or settings.embedder))
    except (IndexBusy, FileNotFoundError, ReferentialMissing) as exc:
        typer.echo(f"reindex: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"index {settings.index_path} now built with {done.model}: {done.profiles} profiles,"
        f" {done.needs} open needs ({done.dropped} profiles left out: consent lapsed)."
        f" Previous index deleted ({', '.join(str(p) for p in done.removed) or 'none'}):"
        " it held erased profiles."
    )


async def _run(settings: MatcherSettings, embedder_name: str | None) -> Reindexed:
    pool = await create_pool(settings.dsn)
    try:
        async with pool.acquire() as lent:
            snapshot = await load_snapshot(cast(asyncpg.Connection, lent))
        embedder = await asyncio.to_thread(build_embedder, embedder_name)
        resolver = await asyncio.to_thread(RomeResolver, snapshot)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())  # fmt: skip
        with Progress(*columns, console=Console(stderr=True)) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(collection: str, done: int, total: int) -> None:
                if collection not in tasks:
                    tasks[collection] = bar.add_task(f"re-encoding {collection}", total=total)
                bar.update(tasks[collection], completed=done)

            return await reindex(
                settings.index_path,
                pool=pool,
                embedder=embedder,
                resolver=resolver,
                progress=progress,
            )
    finally:
        await pool.close()
