"""An index whose points' short payload fields are kept in memory by the process that writes it.

Under load (100k profiles, 10 needs + 10 profile updates a second, py-spy on the matcher), a
fifth of the matcher's CPU went to reading back the trades of the ~340 profiles a need finds
and the documents of the ~200 needs a profile finds: each read crosses from Qdrant Edge into
Python, and the same points are read again and again. A point's payload changes only when it
is written; with Edge this process is the only writer (the index folder is locked), so what
was read is kept, and forgotten when its point is written or deleted. Not for a Qdrant server
that several matchers share: another's writes would not be seen (bootstrap wraps Edge only).

    index = KeptPayloads(EdgeIndex(path), fields={PROFILES: ("rome_codes", "trades")})
    await index.payloads(PROFILES, ids, fields=("trades",))  # read once, then from memory

Only reads of kept fields are served here (a subset of a collection's `fields`); any other
read, and every search, goes to the index. The values handed out are shared between calls
and must not be changed; equal lists are stored once (most profiles share their trades).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from services.matcher.domain.ports import (
    Channel,
    Collection,
    Condition,
    Hit,
    Point,
    Sparse,
    Stored,
    VectorIndex,
)

_ABSENT = object()  # a field the point has not got
_SHARED = 200_000  # distinct list values stored once; the table is started again past it


class KeptPayloads:
    def __init__(
        self,
        index: VectorIndex,
        *,
        fields: Mapping[Collection, Sequence[str]],
        limit: int = 250_000,
    ) -> None:
        """`fields`: per collection, the payload fields kept; `limit`: points kept per
        collection (the least recently read go first)."""
        self.inner = index
        self._fields = {c: tuple(f) for c, f in fields.items()}
        self._limit = limit
        self._kept: dict[Collection, OrderedDict[str, tuple[Any, ...]]] = {
            c: OrderedDict() for c in self._fields
        }
        # Writes under way, and writes ended, per collection: a read that overlapped one is not
        # kept (it may hold what the write replaced).
        self._busy: dict[Collection, int] = dict.fromkeys(self._fields, 0)
        self._writes: dict[Collection, int] = dict.fromkeys(self._fields, 0)
        self._shared: dict[Any, Any] = {}

    def __getattr__(self, name: str) -> Any:  # what only the wrapped index has (segments...)
        return getattr(self.inner, name)

    # -- writes: the points written or deleted are forgotten ---------------------------------
    async def upsert(self, collection: Collection, points: Sequence[Point]) -> None:
        ids = [p.id for p in points]
        await self._writing(collection, ids, self.inner.upsert(collection, points))

    async def delete(self, collection: Collection, ids: Sequence[str]) -> None:
        await self._writing(collection, ids, self.inner.delete(collection, ids))

    async def _writing(self, collection: Collection, ids: Sequence[str], write: Any) -> None:
        kept = self._kept.get(collection)
        if kept is None:
            await write
            return
        self._busy[collection] += 1
        try:
            await write
        finally:
            self._busy[collection] -= 1
            self._writes[collection] += 1
            for i in ids:
                kept.pop(i, None)

    # -- reads --------------------------------------------------------------------------------
    async def payloads(
        self, collection: Collection, ids: Sequence[str], *, fields: Sequence[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        names = self._fields.get(collection)
        if names is None or fields is None or not set(fields) <= set(names):
            return await self.inner.payloads(collection, ids, fields=fields)
        kept = self._kept[collection]
        found: dict[str, tuple[Any, ...]] = {}
        for i in ids:
            values = kept.get(i)
            if values is not None:
                kept.move_to_end(i)
                found[i] = values
        missing = [i for i in dict.fromkeys(ids) if i not in found]
        if missing:
            quiet = not self._busy[collection]
            writes = self._writes[collection]
            read = await self.inner.payloads(collection, missing, fields=names)
            fresh = {i: self._values(names, p) for i, p in read.items()}
            found.update(fresh)
            if quiet and not self._busy[collection] and writes == self._writes[collection]:
                kept.update(fresh)
                while len(kept) > self._limit:
                    kept.popitem(last=False)
        wanted = [(n, names.index(n)) for n in fields]
        return {
            i: {n: v[k] for n, k in wanted if v[k] is not _ABSENT}
            for i in ids
            if (v := found.get(i)) is not None
        }

    def _values(self, names: tuple[str, ...], payload: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(self._one(payload.get(n, _ABSENT)) for n in names)

    def _one(self, value: Any) -> Any:
        """Equal lists stored once (the same trades for thousands of profiles)."""
        if not isinstance(value, list):
            return value
        key = _frozen(value)
        shared = self._shared.get(key)
        if shared is None:
            if len(self._shared) >= _SHARED:
                self._shared.clear()
            shared = self._shared[key] = value
        return shared

    async def search(
        self,
        collection: Collection,
        *,
        channel: Channel,
        vector: list[float] | Sparse,
        where: Condition | None,
        limit: int,
        with_payload: bool = True,
    ) -> list[Hit]:
        return await self.inner.search(
            collection,
            channel=channel,
            vector=vector,
            where=where,
            limit=limit,
            with_payload=with_payload,
        )

    async def vectors(
        self, collection: Collection, ids: Sequence[str], *, channel: Channel | None = None
    ) -> dict[str, Stored]:
        return await self.inner.vectors(collection, ids, channel=channel)

    # -- the rest, as the index does it ---------------------------------------------------------
    async def ensure(self, dim: int) -> None:
        await self.inner.ensure(dim)

    async def count(self, collection: Collection) -> int:
        return await self.inner.count(collection)

    async def scroll(
        self, collection: Collection, *, offset: str | None, limit: int
    ) -> tuple[list[tuple[str, dict[str, Any]]], str | None]:
        return await self.inner.scroll(collection, offset=offset, limit=limit)

    async def optimize(self, *, merge: bool = False) -> None:
        await self.inner.optimize(merge=merge)

    async def close(self) -> None:
        for kept in self._kept.values():
            kept.clear()
        await self.inner.close()


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value
