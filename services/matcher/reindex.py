"""Re-index after a change of text encoder: every point re-embedded into a new folder, then swapped.

The embedded index keeps each need and profile whole (its "doc" payload), so it rebuilds itself
without replaying Kafka (whose needs topic forgets after its retention): read page by page,
encode again with the new model, write into a sibling folder, and only once everything is
written swap the folders and record the new model. The previous folder (`<index>.before-<time>`)
is deleted once the new one is in service, with any an earlier run left: it holds every profile
document, erased ones included, and nothing erases in it (a rollback is a re-index with the
previous encoder). A failure before the swap changes nothing.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from services.matcher.adapters.edge_index import EdgeIndex
from services.matcher.adapters.embedder import Embedder
from services.matcher.adapters.index_payload import need_of, profile_of
from services.matcher.adapters.pg_repository import set_index_model
from services.matcher.domain.ports import NEEDS, PROFILES, Collection
from services.matcher.domain.rome import RomeResolver
from services.matcher.pipeline import Pipeline, engine_name

PAGE = 256
Progress = Callable[[Collection, int, int], None]  # collection, done, total


@dataclass(frozen=True, slots=True)
class Reindexed:
    model: str
    profiles: int
    needs: int
    dropped: int  # profiles whose consent had lapsed since they were indexed: not written again
    removed: tuple[Path, ...]  # the previous folder, and any an earlier run left, deleted


async def reindex(
    index_path: Path,
    *,
    pool: asyncpg.Pool,
    embedder: Embedder,
    resolver: RomeResolver,
    at: datetime | None = None,
    progress: Progress | None = None,
) -> Reindexed:
    """Rebuild the embedded index at `index_path` with `embedder`; refuses if a matcher has it."""
    at = at or datetime.now(UTC)
    if not (index_path / PROFILES).is_dir():
        raise FileNotFoundError(f"no matcher index at {index_path}: nothing to re-index")
    old = EdgeIndex(index_path)
    await old.ensure(embedder.dim)  # takes the folder's lock: IndexBusy if a matcher runs on it
    building = index_path.with_name(f"{index_path.name}.reindex")
    shutil.rmtree(building, ignore_errors=True)  # what a failed run left
    new = EdgeIndex(building)
    try:
        await new.ensure(embedder.dim)
        pipeline = Pipeline(index=new, embedder=embedder, resolver=resolver)
        totals = {c: await old.count(c) for c in (PROFILES, NEEDS)}
        for collection, total in totals.items():
            done = 0
            offset: str | None = None
            while True:
                page, offset = await old.scroll(collection, offset=offset, limit=PAGE)
                payloads = [payload for _, payload in page]
                if collection == PROFILES:
                    await pipeline.index_profiles([profile_of(p) for p in payloads], at=at)
                else:
                    await pipeline.index_needs([need_of(p) for p in payloads])
                done += len(page)
                if progress is not None:
                    progress(collection, done, total)
                if offset is None:
                    break
        profiles, needs = await new.count(PROFILES), await new.count(NEEDS)
    except BaseException:
        await new.close()
        await old.close()
        shutil.rmtree(building, ignore_errors=True)
        raise
    await new.close()
    await old.close()  # flushed where it lies, before it moves
    previous = index_path.with_name(f"{index_path.name}.before-{at:%Y%m%dT%H%M%S}")
    location = await asyncio.to_thread(_swap, index_path, building, previous)
    async with pool.acquire() as conn:
        await set_index_model(conn, location=location, model=engine_name(embedder))
    removed = await asyncio.to_thread(_remove_backups, index_path)
    return Reindexed(embedder.name, profiles, needs, totals[PROFILES] - profiles, removed)


def _remove_backups(index_path: Path) -> tuple[Path, ...]:
    """Delete every `<index>.before-*` folder beside the index in service."""
    backups = tuple(sorted(index_path.parent.glob(f"{index_path.name}.before-*")))
    for folder in backups:
        shutil.rmtree(folder)
    return backups


def _swap(index_path: Path, building: Path, previous: Path) -> str:
    location = str(index_path.resolve())  # the key the matcher checks its encoder under
    index_path.rename(previous)
    building.rename(index_path)
    return location
