"""An erased profile's bytes leave the embedded index's files at the daily merge round."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from services.matcher.adapters.edge_index import EdgeIndex
from services.matcher.domain.ports import PROFILES, Point, Sparse

pytestmark = pytest.mark.integration


def _files_holding(folder: Path, marker: bytes) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.is_file() and marker in p.read_bytes()]


def _point(pid: str, text: str) -> Point:
    return Point(pid, [0.1] * 8, Sparse([1], [1.0]), {"doc": {"experience": text}})


async def test_a_deleted_profile_stays_in_the_files_until_the_merge_round_rewrites_them(
    tmp_path: Path,
) -> None:
    erased, kept = uuid.uuid4().hex, uuid.uuid4().hex
    erased_id, kept_id = str(uuid.uuid4()), str(uuid.uuid4())
    index = EdgeIndex(tmp_path)
    await index.ensure(8)
    await index.upsert(PROFILES, [_point(erased_id, erased), _point(kept_id, kept)])
    await index.delete(PROFILES, [erased_id])
    await index.optimize()
    await index.close()
    # Deleted and optimised, yet still on disk: why the merge round rewrites the shard.
    assert _files_holding(tmp_path, erased.encode())

    index = EdgeIndex(tmp_path)
    await index.ensure(8)
    await index.optimize(merge=True)
    assert await index.count(PROFILES) == 1
    assert list(await index.payloads(PROFILES, [kept_id])) == [kept_id]
    await index.close()
    assert _files_holding(tmp_path, erased.encode()) == []
    assert _files_holding(tmp_path, kept.encode())  # the scan sees what is kept
