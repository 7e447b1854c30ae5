"""A search's limit never splits points of equal score: twins are found both or neither."""

from __future__ import annotations

import math
import uuid

from services.matcher import candidates
from services.matcher.adapters.qdrant_client_index import memory_index
from services.matcher.domain.ports import PROFILES, In, Point, Sparse

POOL = 4  # the dense search keeps 4 (+ candidates.TIES asked beyond, to see the ties)


def _at(angle: float) -> list[float]:
    """A unit vector whose cosine with the query (1, 0) is cos(angle)."""
    return [math.cos(angle), math.sin(angle)]


async def _found(higher: int, lower: int) -> tuple[set[str], tuple[str, str]]:
    """The ids found for a query when `higher` points score above two twins, `lower` below."""
    index = memory_index()
    await index.ensure(2)
    twins = (str(uuid.uuid4()), str(uuid.uuid4()))
    angles = [0.01 * (i + 1) for i in range(higher)] + [0.5, 0.5]
    angles += [0.6 + 0.01 * i for i in range(lower)]
    ids = [str(uuid.uuid4()) for _ in range(higher)] + list(twins)
    ids += [str(uuid.uuid4()) for _ in range(lower)]
    payload = {"rome_codes": ["X"], "trades": [], "doc": "{}"}
    points = [Point(i, _at(a), Sparse([], []), payload) for i, a in zip(ids, angles, strict=True)]
    await index.upsert(PROFILES, points)
    found = await candidates.gather(
        index,
        PROFILES,
        dense=[1.0, 0.0],
        sparse=Sparse([7], [1.0]),
        where=In("rome_codes", ("X",)),
        codes=(),
        pool=POOL,
    )
    return {p.id for p in found.points}, twins


async def test_twins_where_the_search_is_cut_are_both_left_out() -> None:
    # The twins are the 12th and 13th points: the search (4 + 8 asked) ends on the first one.
    found, (a, b) = await _found(higher=POOL + candidates.TIES - 1, lower=5)
    assert a not in found and b not in found
    assert len(found) == POOL + candidates.TIES - 1  # the points above them all kept


async def test_twins_inside_the_search_are_both_found() -> None:
    # Positive control: the same twins with fewer points above them.
    found, (a, b) = await _found(higher=2, lower=20)
    assert a in found and b in found


def test_a_search_that_came_back_short_left_nothing_out() -> None:
    hits = [candidates.Hit(str(i), 1.0 - i / 10) for i in range(3)]
    assert candidates._whole_ties(hits, 5) == (hits, None)
    same = [candidates.Hit(str(i), 0.5) for i in range(5)]
    assert candidates._whole_ties(same, 5) == (same, 0.5)  # all equal: all kept
