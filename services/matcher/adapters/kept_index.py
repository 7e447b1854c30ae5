"""An index whose points' payload fields (and a small collection's vectors) are kept in memory
by the process that writes it.

Under load (100k profiles, 10 needs + 10 profile updates a second, py-spy on the matcher), a
fifth of the matcher's CPU went to reading back the trades of the ~340 profiles a need finds
and the documents of the ~200 needs a profile finds: each read crosses from Qdrant Edge into
Python, and the same points are read again and again. A point's payload changes only when it
is written; with Edge this process is the only writer (the index folder is locked), so what
was read is kept, and forgotten when its point is written or deleted. Not for a Qdrant server
that several matchers share: another's writes would not be seen (bootstrap wraps Edge only).

    index = KeptPayloads(EdgeIndex(path), fields={PROFILES: ("rome_codes", "trades")})
    await index.payloads(PROFILES, ids, fields=("trades",))  # read once, then from memory

Only reads of kept fields (a subset of a collection's `fields`) and of the kept channel's
vectors (the open needs' lexical vectors, which a profile update reads for the needs it
assesses) are served here; any other read, and every search, goes to the index. The values
handed out are shared between calls and must not be changed; equal lists are stored once
(most profiles share their trades).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from services.matcher.domain.kept import Kept
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

V = TypeVar("V")
_SHARED = 200_000  # distinct list values stored once; the table is started again past it


class KeptPayloads:
    def __init__(
        self,
        index: VectorIndex,
        *,
        fields: Mapping[Collection, Sequence[str]],
        vectors: Mapping[Collection, Channel] | None = None,
        limit: int = 250_000,
    ) -> None:
        """`fields`: per collection, the payload fields kept; `vectors`: per collection, the
        channel whose stored vectors are kept (a small collection's: the open needs');
        `limit`: points kept per collection (the least recently read go first)."""
        self.inner = index
        self._fields = {c: tuple(f) for c, f in fields.items()}
        self._channel = dict(vectors or {})
        self._payloads: dict[Collection, Kept[dict[str, Any]]] = {
            c: Kept(limit) for c in self._fields
        }
        self._vectors: dict[Collection, Kept[Stored]] = {c: Kept(limit) for c in self._channel}
        # Writes under way, and writes ended, per collection: a read that overlapped one is not
        # kept (it may hold what the write replaced).
        self._busy: dict[Collection, int] = {}
        self._writes: dict[Collection, int] = {}
        self._shared: dict[Any, Any] = {}

    # -- writes: the points written or deleted are forgotten ---------------------------------
    async def upsert(self, collection: Collection, points: Sequence[Point]) -> None:
        ids = [p.id for p in points]
        await self._writing(collection, ids, self.inner.upsert(collection, points))

    async def delete(self, collection: Collection, ids: Sequence[str]) -> None:
        await self._writing(collection, ids, self.inner.delete(collection, ids))

    async def _writing(self, collection: Collection, ids: Sequence[str], write: Any) -> None:
        self._busy[collection] = self._busy.get(collection, 0) + 1
        try:
            await write
        finally:
            self._busy[collection] -= 1
            self._writes[collection] = self._writes.get(collection, 0) + 1
            for kept in (self._payloads.get(collection), self._vectors.get(collection)):
                if kept is not None:
                    kept.forget(ids)

    async def _through(
        self,
        collection: Collection,
        kept: Kept[V],
        ids: Sequence[str],
        read: Callable[[list[str]], Awaitable[dict[str, V]]],
    ) -> dict[str, V]:
        """Each point's value, kept or read (the missing ones in one call) and kept."""
        found = kept.some(ids)
        missing = [i for i in dict.fromkeys(ids) if i not in found]
        if missing:
            quiet = not self._busy.get(collection)
            writes = self._writes.get(collection, 0)
            fresh = await read(missing)
            found.update(fresh)
            if (
                quiet
                and not self._busy.get(collection)
                and writes == self._writes.get(collection, 0)
            ):
                kept.keep(fresh)
        return found

    # -- reads --------------------------------------------------------------------------------
    async def payloads(
        self, collection: Collection, ids: Sequence[str], *, fields: Sequence[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        names = self._fields.get(collection)
        if names is None or fields is None or not set(fields) <= set(names):
            return await self.inner.payloads(collection, ids, fields=fields)

        async def read(missing: list[str]) -> dict[str, dict[str, Any]]:
            got = await self.inner.payloads(collection, missing, fields=names)
            return {i: {n: self._one(v) for n, v in p.items()} for i, p in got.items()}

        found = await self._through(collection, self._payloads[collection], ids, read)
        # A dict of its own for each caller (ranking adds the fields it reads later to it).
        if len(fields) == len(names):
            return {i: dict(p) for i in ids if (p := found.get(i)) is not None}
        return {
            i: {n: p[n] for n in fields if n in p} for i in ids if (p := found.get(i)) is not None
        }

    async def vectors(
        self, collection: Collection, ids: Sequence[str], *, channel: Channel | None = None
    ) -> dict[str, Stored]:
        if channel is None or self._channel.get(collection) != channel:
            return await self.inner.vectors(collection, ids, channel=channel)

        async def read(missing: list[str]) -> dict[str, Stored]:
            return await self.inner.vectors(collection, missing, channel=channel)

        found = await self._through(collection, self._vectors[collection], ids, read)
        return {i: v for i in ids if (v := found.get(i)) is not None}

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
        for payloads in self._payloads.values():
            payloads.clear()
        for vectors in self._vectors.values():
            vectors.clear()
        await self.inner.close()


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value
