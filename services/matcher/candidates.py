"""The candidates of one query: union of filtered searches, each point scored on both channels.

Three searches (dense, lexical, same trade) return ids and scores only; the union's payloads
are then read once (a point found twice is not decoded twice), and a point found by one
channel gets its other score from a second search of that channel restricted to such points.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from itertools import chain
from typing import Any

from services.matcher.domain.ports import (
    All,
    Channel,
    Collection,
    Condition,
    HasId,
    Hit,
    In,
    Sparse,
    VectorIndex,
)

# What ranking reads of a point found: the document (the hard constraints are in it too).
DOC_FIELDS = ("doc",)


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

    def ids_only(
        channel: Channel, vector: list[float] | Sparse, cond: Condition, limit: int
    ) -> Awaitable[list[Hit]]:
        return index.search(
            collection, channel=channel, vector=vector, where=cond, limit=limit, with_payload=False
        )

    searches = [
        ids_only("dense", dense, where, pool),
        ids_only("lexical", sparse, where, pool // 2),
    ]
    if codes:
        searches.append(ids_only("dense", dense, All((where, In("rome_codes", codes))), pool // 2))
    dense_hits, lexical_hits, *trade = await asyncio.gather(*searches)
    dense_of = {h.id: h.score for hits in (dense_hits, *trade) for h in hits}
    lexical_of = {h.id: h.score for h in lexical_hits}
    ids = list(dict.fromkeys(chain(dense_of, lexical_of)))
    if not ids:
        return []
    payloads = await index.payloads(collection, ids, fields=DOC_FIELDS)
    # A point found by one channel only gets its other score from the index too: a search
    # restricted to those ids (exact at that size), so no vector travels back to Python.
    no_dense = tuple(i for i in ids if i not in dense_of)
    no_lexical = tuple(i for i in ids if i not in lexical_of)
    todo: list[tuple[dict[str, float], Channel, list[float] | Sparse, tuple[str, ...]]] = [
        (dense_of, "dense", dense, no_dense),
        (lexical_of, "lexical", sparse, no_lexical),
    ]
    todo = [t for t in todo if t[3]]
    rescored = await asyncio.gather(
        *(ids_only(channel, query, HasId(only), len(only)) for _, channel, query, only in todo)
    )
    for (target, *_), hits in zip(todo, rescored, strict=True):
        # Not found: no shared feature at all (lexical), so the score is 0.
        target.update((h.id, h.score) for h in hits)
    # A point deleted between the search and the read is simply gone.
    return [
        (payloads[i], dense_of.get(i, 0.0), lexical_of.get(i, 0.0)) for i in ids if i in payloads
    ]
