"""The embedded index keeps new points in segments of their own, so that building their graph
(which stops the whole matcher) never means rebuilding every profile's: also for an index
made before that policy, once the matcher opens it (whatever its encoder's vector size)."""

from __future__ import annotations

import json
from pathlib import Path

import qdrant_edge as qe

from services.matcher.adapters.edge_index import EdgeIndex


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
