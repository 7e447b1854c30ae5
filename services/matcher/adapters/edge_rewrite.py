"""Rewrite an Edge shard with its live points only: what erasure needs of the files on disk.

Deleting a point in Qdrant Edge marks it deleted: its payload (the profile document) stays in
the segment's payload pages and in the write-ahead log, even after an optimisation or a merge
(checked byte by byte). Copying the live points into a fresh shard and replacing the folder is
the only way their bytes leave the disk. The daily merge round runs it on the profiles shard
(README, "Erasure": the index files' bound).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import qdrant_edge as qe

PAGE = 1000


def rewrite_shard(where: Path, old: qe.EdgeShard, config: qe.EdgeConfig,
                  field_indexes: list[Any]) -> qe.EdgeShard:  # fmt: skip
    """Copy `old`'s live points into a new shard at `where` (old closed, its folder deleted)."""
    fresh_dir = where.with_name(f"{where.name}.rewrite")
    shutil.rmtree(fresh_dir, ignore_errors=True)
    fresh_dir.mkdir(parents=True)
    fresh = qe.EdgeShard.create(str(fresh_dir), config)
    for op in field_indexes:
        fresh.update(op)
    offset: Any = None
    while True:
        request = qe.ScrollRequest(offset=offset, limit=PAGE, with_payload=True, with_vector=True)
        records, offset = old.scroll(request)
        if records:
            points = [qe.Point(r.id, r.vector or {}, r.payload or {}) for r in records]
            fresh.update(qe.UpdateOperation.upsert_points(points))
        if offset is None:
            break
    fresh.optimize()
    fresh.flush()
    fresh.close()
    old.close()
    gone = where.with_name(f"{where.name}.erased")
    where.rename(gone)
    fresh_dir.rename(where)
    shutil.rmtree(gone)
    return qe.EdgeShard.load(str(where), config)
