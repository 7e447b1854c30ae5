"""The payload fields the matcher keeps in memory: read once, never stale after a write."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from services.matcher.adapters.kept_index import KeptPayloads
from services.matcher.domain.ports import (
    NEEDS,
    PROFILES,
    Channel,
    Collection,
    Point,
    Sparse,
    Stored,
)


class Counted:
    """An index of payloads only, counting the points read from it; a write may be held."""

    def __init__(self) -> None:
        self.points: dict[str, dict[str, Any]] = {}
        self.sparse: dict[str, Sparse] = {}
        self.read: list[str] = []
        self.hold_reads: asyncio.Event | None = None

    async def upsert(self, collection: Collection, points: Sequence[Point]) -> None:
        self.points.update((p.id, dict(p.payload)) for p in points)
        self.sparse.update((p.id, p.sparse) for p in points)

    async def delete(self, collection: Collection, ids: Sequence[str]) -> None:
        for i in ids:
            self.points.pop(i, None)
            self.sparse.pop(i, None)

    async def vectors(
        self, collection: Collection, ids: Sequence[str], *, channel: Channel | None = None
    ) -> dict[str, Stored]:
        self.read.extend(ids)
        return {i: Stored([], self.sparse[i]) for i in ids if i in self.sparse}

    async def payloads(
        self, collection: Collection, ids: Sequence[str], *, fields: Sequence[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        found = {
            i: {k: v for k, v in self.points[i].items() if fields is None or k in fields}
            for i in ids
            if i in self.points
        }
        self.read.extend(ids)
        if self.hold_reads is not None:
            await self.hold_reads.wait()
        return found


def profile(pid: str, trades: list[list[Any]], doc: str = "{}") -> Point:
    return Point(pid, [1.0], Sparse([], []), {"trades": trades, "doc": doc})


def kept(inner: Counted) -> KeptPayloads:
    return KeptPayloads(
        inner,  # type: ignore[arg-type]
        fields={PROFILES: ("rome_codes", "trades")},
        vectors={NEEDS: "lexical"},
    )


async def test_kept_fields_are_read_from_the_index_once() -> None:
    inner = Counted()
    index = kept(inner)
    await index.upsert(PROFILES, [profile("a", [["F1703", 1.0]]), profile("b", [["N1101", 0.7]])])
    first = await index.payloads(PROFILES, ["a", "b"], fields=("trades",))
    second = await index.payloads(PROFILES, ["b", "a"], fields=("rome_codes", "trades"))
    assert first == {"a": {"trades": [["F1703", 1.0]]}, "b": {"trades": [["N1101", 0.7]]}}
    assert second == first  # a field the point has not got is absent, as from the index
    assert inner.read == ["a", "b"]
    # Control: a field not kept (the document) is read from the index every time.
    await index.payloads(PROFILES, ["a"], fields=("doc",))
    await index.payloads(PROFILES, ["a"], fields=("doc",))
    await index.payloads(NEEDS, ["a"], fields=("trades",))
    assert inner.read == ["a", "b", "a", "a", "a"]


async def test_a_point_written_or_deleted_is_read_anew() -> None:
    inner = Counted()
    index = kept(inner)
    await index.upsert(PROFILES, [profile("a", [["F1703", 1.0]]), profile("b", [["N1101", 0.7]])])
    await index.payloads(PROFILES, ["a", "b"], fields=("trades",))
    await index.upsert(PROFILES, [profile("a", [["G1602", 0.9]])])
    await index.delete(PROFILES, ["b"])
    assert await index.payloads(PROFILES, ["a", "b"], fields=("trades",)) == {
        "a": {"trades": [["G1602", 0.9]]}
    }


async def test_a_read_that_overlapped_a_write_is_not_kept() -> None:
    inner = Counted()
    index = kept(inner)
    await index.upsert(PROFILES, [profile("a", [["F1703", 1.0]])])
    inner.hold_reads = asyncio.Event()
    reading = asyncio.create_task(index.payloads(PROFILES, ["a"], fields=("trades",)))
    await asyncio.sleep(0)  # the read has what the index held, and waits
    await index.upsert(PROFILES, [profile("a", [["G1602", 0.9]])])  # written meanwhile
    inner.hold_reads.set()
    inner.hold_reads = None
    assert (await reading)["a"] == {"trades": [["F1703", 1.0]]}  # what it read, as the index
    assert (await index.payloads(PROFILES, ["a"], fields=("trades",)))["a"] == {
        "trades": [["G1602", 0.9]]
    }


async def test_equal_trades_are_stored_once() -> None:
    inner = Counted()
    index = kept(inner)
    await index.upsert(PROFILES, [profile(p, [["F1703", 1.0]]) for p in ("a", "b")])
    read = await index.payloads(PROFILES, ["a", "b"], fields=("trades",))
    assert read["a"]["trades"] is read["b"]["trades"]
    # Control: the index itself hands out one list per point.
    inner_read = await inner.payloads(PROFILES, ["a", "b"], fields=("trades",))
    assert inner_read["a"]["trades"] is not inner_read["b"]["trades"]


async def test_the_open_needs_lexical_vectors_are_read_once() -> None:
    inner = Counted()
    index = kept(inner)
    await index.upsert(NEEDS, [Point("n", [1.0], Sparse([4, 9], [0.5, 0.5]), {})])
    first = await index.vectors(NEEDS, ["n"], channel="lexical")
    second = await index.vectors(NEEDS, ["n"], channel="lexical")
    assert first == second == {"n": Stored([], Sparse([4, 9], [0.5, 0.5]))}
    assert inner.read == ["n"]
    # Control: the dense channel, and the profiles' vectors, are read every time.
    await index.vectors(NEEDS, ["n"], channel="dense")
    await index.vectors(PROFILES, ["n"], channel="lexical")
    assert inner.read == ["n", "n", "n"]
    await index.upsert(NEEDS, [Point("n", [1.0], Sparse([7], [1.0]), {})])
    assert (await index.vectors(NEEDS, ["n"], channel="lexical"))["n"].sparse.indices == [7]
