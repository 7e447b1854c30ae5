"""The index in-process: Qdrant Edge shards on disk, one per collection.

Edge calls are synchronous Rust. Writes run on one worker thread, which serialises them; reads
(searches, points read back) run on the event loop itself. Edge 0.9 holds the GIL while it
works, so the event loop waits for a search or a graph build wherever it runs (measured): a read
handed to the thread bought nothing, and each hand-over (submit, wake the loop, resolve the
future) costs ~130 µs of CPU (measured here), a dozen of them per need and per profile update.
What keeps the matcher answering is keeping each call short (the segment policy below for graph
builds). One process at a time opens a folder: a second matcher (or a re-index) pointed at it
gets `IndexBusy` instead of two writers on the same segments.
"""

from __future__ import annotations

import asyncio
import fcntl
import functools
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import qdrant_edge as qe

from services.matcher.adapters.edge_rewrite import rewrite_shard
from services.matcher.adapters.index_payload import PAYLOAD_INDEXES
from services.matcher.domain import ports
from services.matcher.domain.ports import Collection, Condition, Hit, Point, Sparse, Stored

T = TypeVar("T")
_SCHEMA = {
    "geo": qe.PayloadSchemaType.Geo,
    "float": qe.PayloadSchemaType.Float,
    "integer": qe.PayloadSchemaType.Integer,
    "keyword": qe.PayloadSchemaType.Keyword,
}


LOCK_FILE = "matcher.lock"


def _optimizers() -> qe.EdgeOptimizersConfig:
    """How the shard's segments are kept. Edge builds the HNSW graph while holding the GIL, so
    the whole matcher (event loop, Kafka heartbeats, /healthz) stops while it builds. With the
    defaults (two segments, vacuum at 20 % deleted) a few thousand profile updates made it
    rebuild the graph of every point: 47–70 s stops at 100k profiles under load, each followed
    by a consumer-group rebalance. Here new points become segments of their own, merged only
    past eight segments and never beyond ~30k points, and a segment is vacuumed at half
    deleted: a round indexes the few thousand points added since the last (3 s instead of 48 s
    after 6k updates of 40k points, same query latency; measured on this 2-core machine)."""
    return qe.EdgeOptimizersConfig(
        default_segment_number=8, deleted_threshold=0.5, max_segment_size=50_000
    )


class IndexBusy(RuntimeError):
    """Another process has this index folder open."""


def _merging() -> qe.EdgeOptimizersConfig:
    """Every segment into one: searching one HNSW graph instead of 6 of 10-20k points cut the
    CPU of a need from 71 to 41-45 ms at 100k profiles; building it takes ~40 s (GIL held)."""
    return qe.EdgeOptimizersConfig(
        default_segment_number=1, deleted_threshold=0.5, max_segment_size=1_000_000_000
    )


def _config(dim: int, optimizers: qe.EdgeOptimizersConfig | None = None) -> qe.EdgeConfig:
    return qe.EdgeConfig(
        vectors={"dense": qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)},
        sparse_vectors={"lexical": qe.EdgeSparseVectorParams()},
        # Payloads in RAM: reading those of a few hundred hits from cold (mmap) storage
        # costs twice as much per query once the segment is optimised.
        payload_memory=qe.Memory.Cached,
        optimizers=optimizers or _optimizers(),
    )


def _load(where: Path, optimizers: qe.EdgeOptimizersConfig | None = None) -> qe.EdgeShard:
    """An existing shard as it is (its vector size may be another encoder's: the index model
    check says so later), with the segment policy above, which an older shard lacks."""
    saved = where / "edge_config.json"
    if not saved.exists():
        return qe.EdgeShard.load(str(where))
    dim = int(json.loads(saved.read_text())["vectors"]["dense"]["size"])
    return qe.EdgeShard.load(str(where), _config(dim, optimizers))


class EdgeIndex:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._shards: dict[str, qe.EdgeShard] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qdrant-edge")
        self._lock_fd: int | None = None
        self._names: dict[Any, str] = {}
        self._reopening = 0  # shards being closed and reopened on the worker thread

    def _name(self, point_id: Any) -> str:
        """The id as text. `str(uuid.UUID)` costs ~4.5 µs, a third of the event loop's time
        under load (hundreds of hits per query): each point's text is made once, then reused."""
        name = self._names.get(point_id)
        if name is None:
            if len(self._names) > 2_000_000:  # bounded: ids of long-deleted points go
                self._names.clear()
            name = self._names[point_id] = str(point_id)
        return name

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        """A write (or opening, closing, optimising), on the worker thread, in order."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def _read(self, fn: Callable[[], T]) -> T:
        """A read, here; behind the worker while a shard is being reopened (a merge, closing),
        as every read was before."""
        if self._reopening:
            return await self._run(fn)
        return fn()

    async def ensure(self, dim: int) -> None:
        await self._run(self._ensure, dim)

    def _lock(self) -> None:
        """An advisory lock on the folder, released by close() or by the process's death."""
        if self._lock_fd is not None:
            return
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise IndexBusy(
                f"the index at {self.path} is open in another process (a running matcher?):"
                " stop it first, or give this one its own SPIE_INDEX_PATH"
            ) from None
        self._lock_fd = fd

    def _ensure(self, dim: int) -> None:
        self._lock()
        for name in (ports.PROFILES, ports.NEEDS):
            where = self.path / name
            if (where / "edge_config.json").exists() or any(where.glob("segments*")):
                self._shards[name] = _load(where)
                continue
            where.mkdir(parents=True, exist_ok=True)
            shard = qe.EdgeShard.create(str(where), _config(dim))
            for field, kind in PAYLOAD_INDEXES[name].items():
                shard.update(qe.UpdateOperation.create_field_index(field, _SCHEMA[kind]))
            self._shards[name] = shard

    async def upsert(self, collection: Collection, points: Sequence[Point]) -> None:
        edge_points = [
            qe.Point(
                p.id,
                {"dense": p.dense, "lexical": qe.SparseVector(p.sparse.indices, p.sparse.values)},
                p.payload,
            )
            for p in points
        ]
        op = qe.UpdateOperation.upsert_points(edge_points)
        await self._run(self._shards[collection].update, op)

    async def delete(self, collection: Collection, ids: Sequence[str]) -> None:
        op = qe.UpdateOperation.delete_points(list(ids))
        await self._run(self._shards[collection].update, op)

    async def search(
        self,
        collection: Collection,
        *,
        channel: ports.Channel,
        vector: list[float] | Sparse,
        where: Condition | None,
        limit: int,
        with_payload: bool = True,
    ) -> list[Hit]:
        query_vector: Any = (
            qe.SparseVector(vector.indices, vector.values) if isinstance(vector, Sparse) else vector
        )
        request = qe.QueryRequest(
            limit=limit,
            query=qe.Query.Nearest(query_vector, using=channel),
            filter=_built(where) if where is not None else None,
            with_payload=with_payload,
        )
        found = await self._read(lambda: self._shards[collection].query(request))
        return [Hit(self._name(p.id), p.score, p.payload or {}) for p in found]

    async def vectors(
        self, collection: Collection, ids: Sequence[str], *, channel: ports.Channel | None = None
    ) -> dict[str, Stored]:
        wanted: Any = [channel] if channel else True
        records = await self._read(lambda: self._retrieve(collection, list(ids), False, wanted))
        return {self._name(r.id): _stored(r.vector) for r in records}

    async def payloads(
        self, collection: Collection, ids: Sequence[str], *, fields: Sequence[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        # Only the fields asked for cross into Python: each converted field costs.
        wanted: Any = True if fields is None else qe.PayloadSelector.Include(list(fields))
        records = await self._read(lambda: self._retrieve(collection, list(ids), wanted, False))
        return {self._name(r.id): r.payload or {} for r in records}

    def _retrieve(self, collection: str, ids: list[str], payload: Any, vector: Any) -> list[Any]:
        point_ids: list[Any] = list(ids)
        return self._shards[collection].retrieve(
            point_ids, with_payload=payload, with_vector=vector
        )

    async def count(self, collection: Collection) -> int:
        return await self._run(lambda: self._shards[collection].info().points_count)

    async def scroll(
        self, collection: Collection, *, offset: str | None, limit: int
    ) -> tuple[list[tuple[str, dict[str, Any]]], str | None]:
        request = qe.ScrollRequest(offset=offset, limit=limit, with_payload=True, with_vector=False)
        records, after = await self._run(self._shards[collection].scroll, request)
        page = [(str(r.id), r.payload or {}) for r in records]
        return page, None if after is None else str(after)

    async def optimize(self, *, merge: bool = False) -> None:
        for name, shard in list(self._shards.items()):
            if merge:
                self._reopening += 1
                try:
                    await self._run(self._merge, name)
                finally:
                    self._reopening -= 1
            else:
                await self._run(shard.optimize)

    def _merge(self, name: str) -> None:
        """Reopen the shard with the merging policy, optimise, and reopen it as it was. The
        profiles shard is rewritten with its live points instead: the only way an erased
        profile's bytes leave the disk (edge_rewrite)."""
        where = self.path / name
        shard = self._shards.pop(name)
        shard.flush()
        if name == ports.PROFILES:
            self._shards[name] = self._rewrite(where, shard)
            return
        shard.close()
        try:
            merging = _load(where, _merging())
            try:
                merging.optimize()
                merging.flush()
            finally:
                merging.close()
        finally:
            self._shards[name] = _load(where)

    def _rewrite(self, where: Path, shard: qe.EdgeShard) -> qe.EdgeShard:
        saved = json.loads((where / "edge_config.json").read_text())
        dim = int(saved["vectors"]["dense"]["size"])
        indexes = [
            qe.UpdateOperation.create_field_index(field, _SCHEMA[kind])
            for field, kind in PAYLOAD_INDEXES[ports.PROFILES].items()
        ]
        try:
            merged = rewrite_shard(where, shard, _config(dim, _merging()), indexes)
        except BaseException:
            self._shards[ports.PROFILES] = _load(where)
            raise
        merged.close()
        return _load(where)

    async def segments(self, collection: Collection) -> int:
        info = await self._run(self._shards[collection].info)
        return int(info.segments_count)

    async def close(self) -> None:
        def close_all() -> None:
            for shard in self._shards.values():
                shard.flush()
                shard.close()
            self._shards.clear()
            if self._lock_fd is not None:
                os.close(self._lock_fd)  # closing the descriptor releases the lock
                self._lock_fd = None

        self._reopening += 1
        await self._run(close_all)
        self._pool.shutdown(wait=True)


def _stored(vectors: Any) -> Stored:
    sparse = vectors.get("lexical")
    return Stored(
        list(vectors.get("dense", ())),
        Sparse(sparse.indices, sparse.values) if sparse is not None else Sparse([], []),
    )


@functools.lru_cache(maxsize=64)
def _built(cond: Condition) -> qe.Filter:
    """A query's filter, built once for its searches (dense, lexical, same trade: building a
    need's 12 distance rings costs ~1.4 ms each time)."""
    return _filter(cond)


def _filter(cond: Condition) -> qe.Filter:
    if isinstance(cond, ports.All):
        return qe.Filter(must=[_condition(c) for c in cond.conditions])
    if isinstance(cond, ports.Any_):
        return qe.Filter(should=[_condition(c) for c in cond.conditions])
    if isinstance(cond, ports.Not):
        return qe.Filter(must_not=[_condition(cond.condition)])
    return qe.Filter(must=[_condition(cond)])


def _condition(cond: Condition) -> Any:
    if isinstance(cond, ports.Eq):
        return qe.FieldCondition(cond.key, match=qe.MatchValue(cond.value))
    if isinstance(cond, ports.In):
        return qe.FieldCondition(cond.key, match=qe.MatchAny(list(cond.values)))
    if isinstance(cond, ports.Between):
        rng = qe.RangeFloat(gte=cond.gte, gt=cond.gt, lte=cond.lte, lt=cond.lt)
        return qe.FieldCondition(cond.key, range=rng)
    if isinstance(cond, ports.HasId):
        ids: Any = set(cond.ids)
        return qe.HasIdCondition(ids)
    if isinstance(cond, ports.Near):
        radius = qe.GeoRadius(qe.GeoPoint(cond.lon, cond.lat), cond.radius_km * 1000.0)
        return qe.FieldCondition(cond.key, geo_radius=radius)
    return _built(cond)  # a nested All / Any_ / Not: a query's filter inside another's
