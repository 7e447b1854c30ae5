"""The embedded index keeps new points in segments of their own, so that building their graph
(which stops the whole matcher) never means rebuilding every profile's: also for an index
made before that policy, once the matcher opens it (whatever its encoder's vector size)."""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import qdrant_edge as qe

from services.matcher.adapters import edge_index, edge_rewrite
from services.matcher.adapters.edge_index import EdgeIndex
from services.matcher.domain.ports import PROFILES, Point, Sparse


def _policy(folder: Path) -> dict[str, object]:
    return dict(json.loads((folder / "edge_config.json").read_text())["optimizers"])


async def test_a_new_index_and_an_older_one_both_get_the_segment_policy(tmp_path: Path) -> None:
    older = tmp_path / "profiles"
    older.mkdir()
    dense = {"dense": qe.EdgeVectorParams(size=8, distance=qe.Distance.Cosine)}
    shard = qe.EdgeShard.create(
        str(older),
        qe.EdgeConfig(vectors=dense, sparse_vectors={"lexical": qe.EdgeSparseVectorParams()}),
    )
    shard.close()
    assert "optimizers" not in json.loads((older / "edge_config.json").read_text())

    index = EdgeIndex(tmp_path)
    await index.ensure(16)  # another encoder now: the older shard still opens, as it is
    await index.close()
    saved = json.loads((older / "edge_config.json").read_text())
    assert saved["vectors"]["dense"]["size"] == 8

    for folder in (older, tmp_path / "needs"):  # opened, and created
        policy = _policy(folder)
        assert policy["default_segment_number"] == 8
        assert policy["deleted_threshold"] == 0.5
        assert policy["max_segment_size"] == 50_000


async def test_a_merging_round_leaves_one_segment_that_finds_the_same_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Segments are only made of indexed points: index whatever a round adds, however little.
    policy = edge_index._optimizers()
    monkeypatch.setattr(
        edge_index,
        "_optimizers",
        lambda: qe.EdgeOptimizersConfig(
            default_segment_number=policy.default_segment_number,
            deleted_threshold=policy.deleted_threshold,
            max_segment_size=policy.max_segment_size,
            indexing_threshold=1,
        ),
    )
    index, rnd = EdgeIndex(tmp_path), random.Random(7)
    await index.ensure(8)
    for _ in range(4):
        points = [
            Point(str(uuid.UUID(int=rnd.getrandbits(128))), dense, Sparse([1], [1.0]), {})
            for dense in ([rnd.random() for _ in range(8)] for _ in range(300))
        ]
        await index.upsert(PROFILES, points)
        await index.optimize()
    query = [rnd.random() for _ in range(8)]

    async def nearest() -> list[str]:
        hits = await index.search(
            PROFILES, channel="dense", vector=query, where=None, limit=20, with_payload=False
        )
        return [h.id for h in hits]

    before, segments = await nearest(), await index.segments(PROFILES)
    # Searches asked while the shard is closed and reopened wait for it, then answer the same
    # (a read runs on the event loop, not behind the worker, when no shard is being reopened).
    started, rewrite = threading.Event(), edge_rewrite.rewrite_shard

    def slow_rewrite(*args: Any) -> qe.EdgeShard:  # the shard is out while this runs
        started.set()
        time.sleep(0.3)
        return rewrite(*args)

    monkeypatch.setattr(edge_index, "rewrite_shard", slow_rewrite)
    merging = asyncio.create_task(index.optimize(merge=True))
    await asyncio.to_thread(started.wait, 10)
    during = await asyncio.gather(*(nearest() for _ in range(5)))
    await merging
    assert segments >= 3 and await index.segments(PROFILES) == 1
    assert during == [before] * 5
    assert await nearest() == before
    await index.close()
    assert _policy(tmp_path / "profiles")["default_segment_number"] == 8  # the usual policy again
