"""The index on a Qdrant server (QDRANT_URL), through AsyncQdrantClient.

Tests run it against qdrant-client's local in-memory mode (`location=":memory:"`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qdrant_client import AsyncQdrantClient, models

from services.matcher.adapters.index_payload import PAYLOAD_INDEXES
from services.matcher.domain import ports
from services.matcher.domain.ports import Collection, Condition, Hit, Point, Sparse, Stored

_SCHEMA = {
    "geo": models.PayloadSchemaType.GEO,
    "float": models.PayloadSchemaType.FLOAT,
    "integer": models.PayloadSchemaType.INTEGER,
    "keyword": models.PayloadSchemaType.KEYWORD,
}


class QdrantServerIndex:
    def __init__(
        self, client: AsyncQdrantClient, *, prefix: str = "matcher_", payload_indexes: bool = True
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.payload_indexes = payload_indexes  # local mode has none and warns

    def _name(self, collection: str) -> str:
        return f"{self.prefix}{collection}"

    async def ensure(self, dim: int) -> None:
        for name in (ports.PROFILES, ports.NEEDS):
            if await self.client.collection_exists(self._name(name)):
                continue
            await self.client.create_collection(
                self._name(name),
                vectors_config={
                    "dense": models.VectorParams(size=dim, distance=models.Distance.COSINE)
                },
                sparse_vectors_config={"lexical": models.SparseVectorParams()},
            )
            for field, kind in PAYLOAD_INDEXES[name].items() if self.payload_indexes else ():
                await self.client.create_payload_index(self._name(name), field, _SCHEMA[kind])

    async def upsert(self, collection: Collection, points: Sequence[Point]) -> None:
        structs = [
            models.PointStruct(
                id=p.id,
                vector={
                    "dense": p.dense,
                    "lexical": models.SparseVector(
                        indices=p.sparse.indices, values=p.sparse.values
                    ),
                },
                payload=p.payload,
            )
            for p in points
        ]
        await self.client.upsert(self._name(collection), structs, wait=True)

    async def delete(self, collection: Collection, ids: Sequence[str]) -> None:
        selector = models.PointIdsList(points=list(ids))
        await self.client.delete(self._name(collection), selector, wait=True)

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
        query: Any = (
            models.SparseVector(indices=vector.indices, values=vector.values)
            if isinstance(vector, Sparse)
            else vector
        )
        found = await self.client.query_points(
            self._name(collection),
            query=query,
            using=channel,
            query_filter=_filter(where) if where is not None else None,
            limit=limit,
            with_payload=with_payload,
        )
        return [Hit(str(p.id), p.score, p.payload or {}) for p in found.points]

    async def vectors(
        self, collection: Collection, ids: Sequence[str], *, channel: ports.Channel | None = None
    ) -> dict[str, Stored]:
        records = await self.client.retrieve(
            self._name(collection),
            list(ids),
            with_payload=False,
            with_vectors=[channel] if channel else True,
        )
        out = {}
        for r in records:
            vec: Any = r.vector
            sparse = vec.get("lexical")
            out[str(r.id)] = Stored(
                list(vec.get("dense", ())),
                Sparse(sparse.indices, sparse.values) if sparse is not None else Sparse([], []),
            )
        return out

    async def payloads(
        self, collection: Collection, ids: Sequence[str], *, fields: Sequence[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        wanted: Any = list(fields) if fields is not None else True
        records = await self.client.retrieve(self._name(collection), list(ids), with_payload=wanted)
        return {str(r.id): r.payload or {} for r in records}

    async def count(self, collection: Collection) -> int:
        return (await self.client.count(self._name(collection), exact=True)).count

    async def scroll(
        self, collection: Collection, *, offset: str | None, limit: int
    ) -> tuple[list[tuple[str, dict[str, Any]]], str | None]:
        records, after = await self.client.scroll(
            self._name(collection), limit=limit, offset=offset, with_payload=True
        )
        page = [(str(r.id), r.payload or {}) for r in records]
        return page, None if after is None else str(after)

    async def optimize(self, *, merge: bool = False) -> None:
        """The server optimises and merges on its own."""

    async def close(self) -> None:
        await self.client.close()


def _filter(cond: Condition) -> models.Filter:
    if isinstance(cond, ports.All):
        return models.Filter(must=[_condition(c) for c in cond.conditions])
    if isinstance(cond, ports.Any_):
        return models.Filter(should=[_condition(c) for c in cond.conditions])
    if isinstance(cond, ports.Not):
        return models.Filter(must_not=[_condition(cond.condition)])
    return models.Filter(must=[_condition(cond)])


def _condition(cond: Condition) -> Any:
    if isinstance(cond, ports.Eq):
        return models.FieldCondition(key=cond.key, match=models.MatchValue(value=cond.value))
    if isinstance(cond, ports.In):
        return models.FieldCondition(key=cond.key, match=models.MatchAny(any=list(cond.values)))
    if isinstance(cond, ports.Between):
        rng = models.Range(gte=cond.gte, gt=cond.gt, lte=cond.lte, lt=cond.lt)
        return models.FieldCondition(key=cond.key, range=rng)
    if isinstance(cond, ports.HasId):
        return models.HasIdCondition(has_id=list(cond.ids))
    if isinstance(cond, ports.Near):
        center = models.GeoPoint(lon=cond.lon, lat=cond.lat)
        radius = models.GeoRadius(center=center, radius=cond.radius_km * 1000.0)
        return models.FieldCondition(key=cond.key, geo_radius=radius)
    return _filter(cond)


def memory_index() -> QdrantServerIndex:
    """qdrant-client's local mode: brute force in Python, for tests and small batches."""
    return QdrantServerIndex(AsyncQdrantClient(location=":memory:"), payload_indexes=False)
