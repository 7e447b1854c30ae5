"""The one place that builds the matcher's real adapters, or takes the fakes it is handed."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import asyncpg

from services.matcher.action_catalogue import adopt_indexed_needs
from services.matcher.adapters.edge_index import EdgeIndex
from services.matcher.adapters.embedder import Embedder, build_embedder
from services.matcher.adapters.kept_index import KeptPayloads
from services.matcher.adapters.pg_repository import SCHEMA, claim_index_model
from services.matcher.adapters.qdrant_client_index import QdrantServerIndex
from services.matcher.candidates import KEPT_FIELDS, KEPT_VECTORS
from services.matcher.domain.ports import VectorIndex
from services.matcher.domain.rome import RomeResolver
from services.matcher.handlers import Deps, erase_left_over
from services.matcher.pipeline import Pipeline, Settings, engine_name
from services.matcher.settings import MatcherSettings
from services.matcher.warmup import warm_up
from shared.db.migrate import migrate
from shared.db.pool import create_pool
from shared.outbox import OutboxRelay, install
from shared.referential.lookup import Snapshot, load_snapshot

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class Container:
    deps: Deps
    index: VectorIndex
    relay: OutboxRelay

    async def close(self) -> None:
        await self.index.close()
        await self.deps.pool.close()


class IndexModelMismatch(RuntimeError):
    """The index was built by another text encoder than the one configured."""


async def _check_index_model(pool: asyncpg.Pool, settings: MatcherSettings, model: str) -> None:
    location = (
        f"{settings.qdrant_url}#{settings.qdrant_collection_prefix}"
        if settings.qdrant_url
        else str(settings.index_path.resolve())
    )
    async with pool.acquire() as conn:
        recorded = await claim_index_model(conn, location=location, model=model)
    if recorded is not None:
        raise IndexModelMismatch(
            f"the index at {location} was built by {recorded!r}, and this matcher is"
            f" {model!r} (encoder + engine version): their vectors cannot be compared. Either"
            " set SPIE_EMBEDDER back to that encoder, or re-index once with this one:"
            " `python -m services.matcher reindex` (matcher stopped, same settings)"
        )


def build_index(settings: MatcherSettings) -> VectorIndex:
    if settings.qdrant_url:
        from qdrant_client import AsyncQdrantClient

        return QdrantServerIndex(
            AsyncQdrantClient(url=settings.qdrant_url), prefix=settings.qdrant_collection_prefix
        )
    return edge_index(settings.index_path)


def edge_index(path: Path) -> VectorIndex:
    """The embedded index, as the service runs it: this process alone writes it, so what it
    reads of the points found is kept (adapters/kept_index.py)."""
    return KeptPayloads(EdgeIndex(path), fields=KEPT_FIELDS, vectors=KEPT_VECTORS)


async def bootstrap(
    settings: MatcherSettings,
    *,
    pool: asyncpg.Pool | None = None,
    index: VectorIndex | None = None,
    embedder: Embedder | None = None,
    snapshot: Snapshot | None = None,
) -> Container:
    pool = pool or await create_pool(settings.dsn)
    async with pool.acquire() as lent:
        conn = cast(asyncpg.Connection, lent)
        await migrate(conn, schema=SCHEMA, directory=MIGRATIONS)
        await install(conn, schema=SCHEMA)
        snapshot = snapshot or await load_snapshot(conn)
    # Loading a model and indexing 13k appellations are CPU work: off the event loop.
    if embedder is None:
        embedder = await asyncio.to_thread(
            lambda: build_embedder(settings.embedder, threads=settings.encoder_threads)
        )
    resolver = await asyncio.to_thread(RomeResolver, snapshot)
    if index is None:
        await _check_index_model(pool, settings, engine_name(embedder))
        index = build_index(settings)
    await index.ensure(embedder.dim)
    pipeline = Pipeline(
        index=index,
        embedder=embedder,
        resolver=resolver,
        settings=Settings(
            top_k=settings.top_k, threshold=settings.threshold, pool=settings.candidate_pool
        ),
    )
    await warm_up(pipeline, snapshot, at=datetime.now(UTC))
    relay = OutboxRelay.for_service(settings, schema=SCHEMA)
    deps = Deps(pool=pool, pipeline=pipeline, erasure_keys=erasure_keys(settings))
    await erase_left_over(deps)
    # The open needs indexed before discovery was built: their trades (idempotent).
    await adopt_indexed_needs(pool, pipeline)
    return Container(deps, index, relay)


def erasure_keys(settings: MatcherSettings) -> dict[str, bytes]:
    """The "erasure" keys accepted, the current one first (it hashes; the others still match)."""
    keyring = settings.keyring()
    kid, key = keyring.current("erasure")
    return {kid: key, **keyring.accepted("erasure")}
