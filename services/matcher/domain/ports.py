"""The index port: two collections of points with a named dense and a sparse vector.

Filters are this small tree of conditions, translated by each adapter (Qdrant Edge embedded,
or a Qdrant server through qdrant-client); one contract test suite runs against both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol

Collection = Literal["profiles", "needs"]
PROFILES: Final[Collection] = "profiles"
NEEDS: Final[Collection] = "needs"
Channel = Literal["dense", "lexical"]


@dataclass(frozen=True, slots=True)
class Sparse:
    indices: list[int]
    values: list[float]

    def dots(self, others: Iterable[Sparse]) -> list[float]:
        """The dot product with each of `others` (this side's weights looked up once)."""
        mine = dict(zip(self.indices, self.values, strict=True))
        # Features this side lacks are skipped (adding 0.0 would not change the sum).
        return [
            sum(mine[i] * v for i, v in zip(o.indices, o.values, strict=True) if i in mine)
            for o in others
        ]


@dataclass(frozen=True, slots=True)
class Point:
    id: str  # a UUID string
    dense: list[float]
    sparse: Sparse
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    score: float
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Stored:
    """A point's vectors; the one not asked for (`vectors(..., channel=...)`) is left empty."""

    dense: list[float]
    sparse: Sparse


# Conditions on payload fields. Flags are 0/1 integers (a boolean filter misbehaves in Edge).
@dataclass(frozen=True, slots=True)
class Eq:
    key: str
    value: int | str


@dataclass(frozen=True, slots=True)
class In:
    """The field (or one element of a list field) equals one of the values."""

    key: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Between:
    key: str
    gte: float | None = None
    gt: float | None = None
    lte: float | None = None
    lt: float | None = None


@dataclass(frozen=True, slots=True)
class Near:
    """A {lat, lon} payload field within radius_km of a point."""

    key: str
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True, slots=True)
class HasId:
    """The point is one of these (ids as given to upsert)."""

    ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class All:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Any_:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    condition: Condition


Condition = Eq | In | Between | Near | HasId | All | Any_ | Not


class VectorIndex(Protocol):
    async def ensure(self, dim: int) -> None: ...

    async def upsert(self, collection: Collection, points: Sequence[Point]) -> None: ...

    async def delete(self, collection: Collection, ids: Sequence[str]) -> None: ...

    async def search(
        self,
        collection: Collection,
        *,
        channel: Channel,
        vector: list[float] | Sparse,
        where: Condition | None,
        limit: int,
        with_payload: bool = True,
    ) -> list[Hit]: ...

    async def vectors(
        self, collection: Collection, ids: Sequence[str], *, channel: Channel | None = None
    ) -> dict[str, Stored]: ...

    async def payloads(
        self, collection: Collection, ids: Sequence[str], *, fields: Sequence[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        """The payloads of the points that exist (only `fields` of each when given)."""
        ...

    async def count(self, collection: Collection) -> int: ...

    async def scroll(
        self, collection: Collection, *, offset: str | None, limit: int
    ) -> tuple[list[tuple[str, dict[str, Any]]], str | None]:
        """One page of (id, payload) in id order, and the offset of the next page (None: end)."""
        ...

    async def optimize(self, *, merge: bool = False) -> None:
        """Index what was added since the last call; `merge`: also merge every segment into
        one (every point rebuilt: slow, for faster searches afterwards)."""
        ...

    async def close(self) -> None: ...
