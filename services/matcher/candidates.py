"""The candidates of one query: union of filtered searches, each point scored on both channels.

Three searches (dense, lexical, same trade) return ids and scores only; the union's payloads
are then read once (a point found twice is not decoded twice), and a point found by one
channel gets its other score from its stored vectors, computed in numpy.
"""

from __future__ import annotations

import asyncio
from itertools import chain
from typing import Any

import numpy as np

from services.matcher.domain.ports import All, Collection, Condition, In, Sparse, VectorIndex


async def gather(
    index: VectorIndex,
    collection: Collection,
    *,
    dense: list[float],
    sparse: Sparse,
    where: Condition,
    codes: tuple[str, ...],
    pool: int,
) -> list[tuple[dict[str, Any], float, float]]:
    """(payload, dense score, lexical score) of every point found, in a stable order."""
    searches = [
        index.search(
            collection, channel="dense", vector=dense, where=where, limit=pool, with_payload=False
        ),
        index.search(
            collection,
            channel="lexical",
            vector=sparse,
            where=where,
            limit=pool // 2,
            with_payload=False,
        ),
    ]
    if codes:
        by_trade = All((where, In("rome_codes", codes)))
        searches.append(
            index.search(
                collection,
                channel="dense",
                vector=dense,
                where=by_trade,
                limit=pool // 2,
                with_payload=False,
            )
        )
    dense_hits, lexical_hits, *trade = await asyncio.gather(*searches)
    dense_of = {h.id: h.score for hits in (dense_hits, *trade) for h in hits}
    lexical_of = {h.id: h.score for h in lexical_hits}
    ids = list(dict.fromkeys(chain(dense_of, lexical_of)))
    if not ids:
        return []
    payloads = await index.payloads(collection, ids)
    # Each point lacks at most one channel's score: only that vector is read back.
    no_dense = [i for i in ids if i not in dense_of]
    if no_dense:
        stored = await index.vectors(collection, no_dense, channel="dense")
        found = [i for i in no_dense if i in stored]
        if found:
            matrix = np.asarray([stored[i].dense for i in found], dtype=np.float64)
            cosines = matrix @ np.asarray(dense, dtype=np.float64)
            dense_of.update(zip(found, cosines.tolist(), strict=True))
    no_lexical = [i for i in ids if i not in lexical_of]
    if no_lexical:
        stored = await index.vectors(collection, no_lexical, channel="lexical")
        found = [i for i in no_lexical if i in stored]
        dots = sparse_dots(sparse, [stored[i].sparse for i in found])
        lexical_of.update(zip(found, dots.tolist(), strict=True))
    # A point deleted between the search and the read is simply gone.
    return [
        (payloads[i], dense_of.get(i, 0.0), lexical_of.get(i, 0.0)) for i in ids if i in payloads
    ]


def sparse_dots(query: Sparse, docs: list[Sparse]) -> np.ndarray:
    """Dot product of one sparse vector with each of many, vectorised."""
    if not docs or not query.indices:
        return np.zeros(len(docs), dtype=np.float64)
    order = np.argsort(np.asarray(query.indices, dtype=np.int64), kind="stable")
    q_idx = np.asarray(query.indices, dtype=np.int64)[order]
    q_val = np.asarray(query.values, dtype=np.float64)[order]
    lengths = np.fromiter((len(d.indices) for d in docs), dtype=np.int64, count=len(docs))
    idx = np.fromiter(chain.from_iterable(d.indices for d in docs), dtype=np.int64)
    val = np.fromiter(chain.from_iterable(d.values for d in docs), dtype=np.float64)
    pos = np.minimum(np.searchsorted(q_idx, idx), len(q_idx) - 1)
    contrib = np.where(q_idx[pos] == idx, q_val[pos] * val, 0.0)
    rows = np.repeat(np.arange(len(docs)), lengths)
    dots: np.ndarray = np.bincount(rows, weights=contrib, minlength=len(docs))
    return dots
