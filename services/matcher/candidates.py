"""The candidates of one query: union of filtered searches, each point scored on both channels.

Three searches (dense, lexical, same trade) return ids and scores only; the union's payloads
are then read once (a point found twice is not decoded twice). A point found by the lexical
search alone gets its dense score from a second dense search restricted to such points (cheap:
a few dozen vectors). A point the lexical search did not return is not rescored up front: that
search is exact, so its score is at most the last one returned (0 when fewer came back than
asked), a bound good enough to rank it; the exact lexical score is read only for the few dozen
pairs ranking then assesses (`Candidates.exact_lexical`). The restricted sparse search it
replaces cost ~10 ms a need at 100k profiles, a fifth of the whole step. Each search asks a
few points beyond its limit and is cut between two scores (`_whole_ties`): twins are found
both or neither (the dev set's held-out half showed one twin found and its twin left out at
the 200th place of the dense search).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from services.matcher.domain.ports import (
    NEEDS,
    PROFILES,
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

# What ranking reads of a point found: the trades it was indexed with (its trade evidence,
# which bounds its score) and the document (the hard constraints are in it too). The document
# may be read only for the pairs ranking assesses (`later`): a need finds ~340 profiles at 100k
# and assesses a few dozen, and each document read crosses from the index into Python (~40 µs).
HEAD_FIELDS = ("rome_codes", "trades")
DOC_FIELDS = ("doc", *HEAD_FIELDS)
# What the searches' points are read for, per collection: an index written by this process alone
# may keep these fields in memory (adapters/kept_index.py).
KEPT_FIELDS = {PROFILES: HEAD_FIELDS, NEEDS: DOC_FIELDS}
KEPT_VECTORS: dict[Collection, Channel] = {NEEDS: "lexical"}  # a few thousand open needs


TIES = 8  # points asked of each search beyond its limit, to cut it between two scores


def _whole_ties(hits: list[Hit], asked: int) -> tuple[list[Hit], float | None]:
    """The hits of a search asked for `asked` points, and the score it was cut at (None when
    it returned fewer: nothing was left out). A full search may have left out points scoring
    as its last ones: those last ones are dropped too, so that points of equal score (twins:
    the same texts but a first name or a gendered word) are all in or all out, never split by
    the limit. When every hit scores the same, all are kept."""
    if len(hits) < asked:
        return hits, None
    cut = hits[-1].score
    kept = [h for h in hits if h.score != cut]
    return (kept or hits), cut


@dataclass(frozen=True, slots=True)
class Found:
    id: str
    payload: dict[str, Any]
    dense: float
    lexical_bound: float  # the lexical search's score, or the most it can be when not returned


@dataclass(frozen=True, slots=True)
class Candidates:
    points: list[Found]  # in a stable order
    index: VectorIndex
    collection: Collection
    sparse: Sparse  # the query's lexical vector
    later: tuple[str, ...] = ()  # payload fields read only for the points assessed

    async def exact_lexical(self, ids: Sequence[str]) -> dict[str, float]:
        """The lexical score of each point that still exists, computed here from its stored
        sparse vector: the same arithmetic for every pair, so that twins score the same. The
        fields read `later` are added to these points' payloads at the same time; a point
        deleted meanwhile is left out."""
        stored = await self.index.vectors(self.collection, ids, channel="lexical")
        if self.later and stored:
            rest = await self.index.payloads(self.collection, list(stored), fields=self.later)
            payload_of = {p.id: p.payload for p in self.points}
            for i, fields in rest.items():
                payload_of[i].update(fields)
            stored = {i: s for i, s in stored.items() if i in rest}
        scores = self.sparse.dots(s.sparse for s in stored.values())
        return dict(zip(stored, scores, strict=True))


async def gather(
    index: VectorIndex,
    collection: Collection,
    *,
    dense: list[float],
    sparse: Sparse,
    where: Condition,
    codes: tuple[str, ...],
    pool: int,
    documents: bool = True,
) -> Candidates:
    """Every point found, with its dense score and a bound of its lexical score; with
    `documents=False`, each point's document is read by `exact_lexical`, if ever."""

    def ids_only(
        channel: Channel, vector: list[float] | Sparse, cond: Condition, limit: int
    ) -> Awaitable[list[Hit]]:
        return index.search(
            collection, channel=channel, vector=vector, where=cond, limit=limit, with_payload=False
        )

    lexical_limit = pool // 2
    asked: list[tuple[Channel, list[float] | Sparse, Condition, int]] = [
        ("dense", dense, where, pool),
        ("lexical", sparse, where, lexical_limit),
    ]
    if codes:
        asked.append(("dense", dense, All((where, In("rome_codes", codes))), pool // 2))
    found = await asyncio.gather(*(ids_only(c, v, w, n + TIES) for c, v, w, n in asked))
    (dense_hits, _), (lexical_hits, lexical_cut), *trade = [
        _whole_ties(hits, n + TIES) for hits, (*_, n) in zip(found, asked, strict=True)
    ]
    dense_of = {h.id: h.score for hits, _ in ((dense_hits, None), *trade) for h in hits}
    lexical_of = {h.id: h.score for h in lexical_hits}
    ids = list(dict.fromkeys(chain(dense_of, lexical_of)))
    if not ids:
        return Candidates([], index, collection, sparse)
    fields, later = (DOC_FIELDS, ()) if documents else (HEAD_FIELDS, ("doc",))
    payloads = await index.payloads(collection, ids, fields=fields)
    no_dense = tuple(i for i in ids if i not in dense_of)
    if no_dense:
        rescored = await ids_only("dense", dense, HasId(no_dense), len(no_dense))
        dense_of.update((h.id, h.score) for h in rescored)
    # The lexical search is exact: what it did not keep scores at most the score it was cut at,
    # and nothing at all (no shared feature) when it returned fewer points than asked.
    floor = 0.0 if lexical_cut is None else lexical_cut
    # A point deleted between the search and the read is simply gone.
    points = [
        Found(i, payloads[i], dense_of.get(i, 0.0), lexical_of.get(i, floor))
        for i in ids
        if i in payloads
    ]
    return Candidates(points, index, collection, sparse, later)
