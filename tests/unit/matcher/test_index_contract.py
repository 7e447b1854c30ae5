"""One contract for the index port, run against Qdrant Edge on disk and qdrant-client."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.matcher.adapters.edge_index import EdgeIndex, IndexBusy
from services.matcher.adapters.kept_index import KeptPayloads
from services.matcher.adapters.qdrant_client_index import memory_index
from services.matcher.domain.ports import (
    PROFILES,
    All,
    Any_,
    Between,
    Eq,
    HasId,
    In,
    Near,
    Not,
    Point,
    Sparse,
    VectorIndex,
)

DIM = 4


@pytest.fixture(params=["edge", "edge-kept", "qdrant-client"])
async def index(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[VectorIndex]:
    idx: VectorIndex
    if request.param == "edge":
        idx = EdgeIndex(tmp_path / "index")
    elif request.param == "edge-kept":  # as the matcher runs it (bootstrap.build_index)
        idx = KeptPayloads(
            EdgeIndex(tmp_path / "index"),
            fields={PROFILES: ("licence", "doc")},
            vectors={PROFILES: "lexical"},
        )
    else:
        idx = memory_index()
    await idx.ensure(DIM)
    yield idx
    await idx.close()


def point(
    dense: list[float],
    *,
    lon: float = 1.444,
    licence: int = 1,
    unavailable: list[str] | None = None,
    mobility: float = 30.0,
    sparse: tuple[int, ...] = (1,),
) -> Point:
    return Point(
        str(uuid.uuid4()),
        dense,
        Sparse(list(sparse), [1.0] * len(sparse)),
        {
            "location": {"lat": 43.6045, "lon": lon},
            "licence": licence,
            "mobility_km": mobility,
            "unavailable": unavailable or [],
            "doc": {"n": lon},
        },
    )


async def test_nearest_points_come_first_with_their_payload(index: VectorIndex) -> None:
    a, b = point([1, 0, 0, 0]), point([0.6, 0.8, 0, 0])
    await index.upsert(PROFILES, [a, b])
    hits = await index.search(PROFILES, channel="dense", vector=[1, 0, 0, 0], where=None, limit=5)
    assert [h.id for h in hits] == [a.id, b.id]
    assert hits[0].score == pytest.approx(1.0, abs=1e-4) and hits[0].payload["doc"] == {"n": 1.444}


async def test_sparse_search_scores_the_shared_dimensions(index: VectorIndex) -> None:
    a, b = point([1, 0, 0, 0], sparse=(3, 7)), point([1, 0, 0, 0], sparse=(9,))
    await index.upsert(PROFILES, [a, b])
    hits = await index.search(
        PROFILES, channel="lexical", vector=Sparse([7], [0.5]), where=None, limit=5
    )
    assert [(h.id, round(h.score, 3)) for h in hits] == [(a.id, 0.5)]


async def test_filters_on_flags_lists_ranges_and_distance(index: VectorIndex) -> None:
    here = point([1, 0, 0, 0], licence=1)
    no_licence = point([1, 0, 0, 0], licence=0)
    nights_off = point([1, 0, 0, 0], unavailable=["night"])
    far = point([1, 0, 0, 0], lon=2.5)  # ~85 km east
    short = point([1, 0, 0, 0], mobility=5)
    await index.upsert(PROFILES, [here, no_licence, nights_off, far, short])
    where = All(
        (
            Eq("licence", 1),
            Not(In("unavailable", ("night",))),
            Any_((Near("location", 43.6045, 1.444, 20), Between("mobility_km", gte=100))),
            Between("mobility_km", gt=10),
        )
    )
    hits = await index.search(PROFILES, channel="dense", vector=[1, 0, 0, 0], where=where, limit=9)
    assert {h.id for h in hits} == {here.id}


async def test_a_search_restricted_to_ids_scores_only_those_points(index: VectorIndex) -> None:
    a, b, c = point([1, 0, 0, 0], sparse=(4,)), point([0.6, 0.8, 0, 0]), point([0, 1, 0, 0])
    await index.upsert(PROFILES, [a, b, c])
    hits = await index.search(
        PROFILES,
        channel="dense",
        vector=[1, 0, 0, 0],
        where=HasId((b.id, c.id)),
        limit=5,
        with_payload=False,
    )
    assert [(h.id, round(h.score, 3)) for h in hits] == [(b.id, 0.6), (c.id, 0.0)]
    assert hits[0].payload == {}
    lexical = await index.search(
        PROFILES, channel="lexical", vector=Sparse([4], [1.0]), where=HasId((a.id,)), limit=1
    )
    assert [h.id for h in lexical] == [a.id]


async def test_deleted_points_are_gone_and_vectors_read_back(index: VectorIndex) -> None:
    a, b = point([1, 0, 0, 0], sparse=(2,)), point([0, 1, 0, 0])
    await index.upsert(PROFILES, [a, b])
    await index.delete(PROFILES, [b.id])
    assert await index.count(PROFILES) == 1
    stored = await index.vectors(PROFILES, [a.id, b.id])
    assert list(stored) == [a.id] and stored[a.id].sparse.indices == [2]
    assert stored[a.id].dense == pytest.approx([1, 0, 0, 0])
    assert (await index.payloads(PROFILES, [a.id]))[a.id]["licence"] == 1
    assert (await index.payloads(PROFILES, [a.id], fields=["licence"]))[a.id] == {"licence": 1}


async def test_an_upsert_replaces_the_point(index: VectorIndex) -> None:
    a = point([1, 0, 0, 0], licence=0)
    await index.upsert(PROFILES, [a])
    await index.upsert(PROFILES, [Point(a.id, a.dense, a.sparse, {**a.payload, "licence": 1})])
    hits = await index.search(
        PROFILES, channel="dense", vector=[1, 0, 0, 0], where=Eq("licence", 1), limit=3
    )
    assert [h.id for h in hits] == [a.id] and await index.count(PROFILES) == 1


async def test_fields_read_again_after_a_write_are_the_written_ones(index: VectorIndex) -> None:
    a, b = point([1, 0, 0, 0], licence=0), point([0, 1, 0, 0], licence=0)
    await index.upsert(PROFILES, [a, b])
    read = await index.payloads(PROFILES, [a.id, b.id], fields=["licence", "doc"])
    assert read == {a.id: {"licence": 0, "doc": {"n": 1.444}}, b.id: read[b.id]}
    await index.upsert(PROFILES, [Point(a.id, a.dense, a.sparse, {**a.payload, "licence": 1})])
    await index.delete(PROFILES, [b.id])
    again = await index.payloads(PROFILES, [a.id, b.id], fields=["licence"])
    assert again == {a.id: {"licence": 1}}


async def test_vectors_read_again_after_a_write_are_the_written_ones(index: VectorIndex) -> None:
    a, b = point([1, 0, 0, 0], sparse=(2,)), point([0, 1, 0, 0], sparse=(3,))
    await index.upsert(PROFILES, [a, b])
    read = await index.vectors(PROFILES, [a.id, b.id], channel="lexical")
    assert read[a.id].sparse.indices == [2] and read[b.id].sparse.indices == [3]
    await index.upsert(PROFILES, [Point(a.id, a.dense, Sparse([5], [1.0]), a.payload)])
    await index.delete(PROFILES, [b.id])
    again = await index.vectors(PROFILES, [a.id, b.id], channel="lexical")
    assert list(again) == [a.id] and again[a.id].sparse.indices == [5]


async def test_scrolling_pages_through_every_point_once_with_its_payload(
    index: VectorIndex,
) -> None:
    points = [point([1, 0, 0, 0], lon=1.0 + i / 100) for i in range(7)]
    await index.upsert(PROFILES, points)
    await index.delete(PROFILES, [points[3].id])
    seen: dict[str, float] = {}
    offset: str | None = None
    pages = 0
    while True:
        page, offset = await index.scroll(PROFILES, offset=offset, limit=3)
        pages += 1
        for pid, payload in page:
            assert pid not in seen
            seen[pid] = payload["doc"]["n"]
        if offset is None:
            break
    expected = {p.id: p.payload["doc"]["n"] for p in points if p.id != points[3].id}
    assert seen == expected and pages >= 2  # it did page


async def test_a_second_process_cannot_open_an_embedded_index_in_use(tmp_path: Path) -> None:
    first = EdgeIndex(tmp_path / "idx")
    await first.ensure(DIM)
    second = EdgeIndex(tmp_path / "idx")  # a second descriptor: flock treats it as another owner
    with pytest.raises(IndexBusy, match="open in another process"):
        await second.ensure(DIM)
    await first.close()
    await second.ensure(DIM)  # released with the first
    await second.close()


async def test_the_embedded_index_survives_a_restart(tmp_path: Path) -> None:
    first = EdgeIndex(tmp_path / "idx")
    await first.ensure(DIM)
    a = point([1, 0, 0, 0])
    await first.upsert(PROFILES, [a])
    await first.close()
    again = EdgeIndex(tmp_path / "idx")
    await again.ensure(DIM)
    assert await again.count(PROFILES) == 1
    await again.close()
