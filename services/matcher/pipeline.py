"""The matching pipeline, shared by the live service and the batch commands: one engine.

Index a document (texts.py: its vectors and trades, off the event loop; a payload of hard
constraints), then find the other side: filtered dense, lexical and same-trade searches in the
index (candidates.py), the exact compatibility check and the score of each pair (scoring.py),
the threshold and the top K (selection.py), and why.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.matcher import candidates, selection
from services.matcher.adapters.embedder import Embedder
from services.matcher.adapters.index_payload import encode_doc, need_of, profile_of
from services.matcher.adapters.rome_vectors import load_knowledge
from services.matcher.domain import prefilter, ranking
from services.matcher.domain.kept import Kept
from services.matcher.domain.model import Need, Profile, need_to_dict, profile_to_dict
from services.matcher.domain.ports import NEEDS, PROFILES, Collection, Condition, Point, VectorIndex
from services.matcher.domain.rome import RomeResolver
from services.matcher.domain.trades import Reading, TradeReader
from services.matcher.scoring import Proposal, Scored, Scorer, rounded
from services.matcher.selection import Head
from services.matcher.texts import KeptEncoder, Texts, Vectors

__all__ = ["Indexed", "Pipeline", "Proposal", "Settings", "Vectors", "engine_name", "point_id"]

# 3: one engine (e5 texts, trades read from the whole text, evidence before taxonomy)
# 4: a need's dense vector reads its title and skills (texts.py); an index of 3 is re-built
# 5: ... as the mean of its title plus the mean of its skills, each encoded once and kept
RANKING_VERSION = "evidence-5"
_NS = uuid.UUID("6f1c1d8e-8a51-4d0c-a3f7-3c1f0b7a9e21")
_NEEDS_READ = 8_192  # needs' documents kept decoded (open needs: a few thousand)


def engine_name(embedder: Embedder) -> str:
    """What an index is recorded as built by: the encoder and the engine's version. An index
    of an earlier engine (other vectors, other payloads) is refused, `reindex` named."""
    return f"{embedder.name}+{RANKING_VERSION}"


def point_id(entity_id: str) -> str:
    """Index ids are UUIDs; the batch command accepts any id and maps it here."""
    try:
        return str(uuid.UUID(entity_id))
    except ValueError:
        return str(uuid.uuid5(_NS, entity_id))


@dataclass(frozen=True, slots=True)
class Settings:
    top_k: int = 10
    threshold: float = ranking.DEFAULT_THRESHOLD
    pool: int = 200  # points fetched per search before the exact checks and rescoring


@dataclass(frozen=True, slots=True)
class Indexed:
    """What indexing read of a document, handed on to match it without reading it again."""

    vectors: Vectors
    reading: Reading


class Pipeline:
    def __init__(
        self,
        *,
        index: VectorIndex,
        embedder: Embedder,
        resolver: RomeResolver,
        settings: Settings | None = None,
        trades: TradeReader | None = None,
    ) -> None:
        """`trades`: the trade reader; by default, one over the ROME vectors of this
        referential and encoder (encoded once, then read from disk: adapters/rome_vectors.py)."""
        self.index = index
        self.embedder = embedder
        self.resolver = resolver
        self.settings = settings or Settings()
        # One kept encoder: a need's title is encoded once, for its vector and its trades.
        encoder = KeptEncoder(embedder)
        if trades is None:
            knowledge = load_knowledge(resolver.snapshot, embedder)
            trades = TradeReader(knowledge, encoder, neutral=resolver.neutral)
        self.texts = Texts(encoder=encoder, resolver=resolver, trades=trades)
        self.scorer = Scorer(resolver, self.distance)
        self._needs_read = Kept[Need](_NEEDS_READ)

    @property
    def model_version(self) -> str:
        return engine_name(self.embedder)

    @property
    def referential_version(self) -> str:
        return self.resolver.snapshot.version_tag

    # -- what the engine reads --------------------------------------------------------------
    def need_text(self, need: Need) -> str:
        return self.texts.need_text(need)

    def profile_text(self, profile: Profile) -> str:
        return self.texts.profile_text(profile)

    def need_codes(self, need: Need) -> tuple[str, ...]:
        """The need's trade: its code given, else the one read with confidence, else none."""
        return self.texts.need_reading(need).codes[:1]

    def profile_codes(self, profile: Profile) -> tuple[str, ...]:
        return self.texts.profile_reading(profile).codes

    def distance(self, a: str, b: str) -> float | None:
        snapshot = self.resolver.snapshot
        if not (snapshot.has_commune(a) and snapshot.has_commune(b)):
            return None
        return snapshot.distance_km(a, b)

    def _where(self, insee: str) -> dict[str, float] | None:
        commune = self.resolver.snapshot.commune(insee)
        return None if commune is None else {"lat": commune.latitude, "lon": commune.longitude}

    # -- indexing ---------------------------------------------------------------------------
    async def index_profiles(self, profiles: Sequence[Profile], *, at: datetime) -> list[Indexed]:
        """Index the profiles that can be matched (active consent, known commune)."""
        vectors = await self.texts.profile_vectors(profiles)
        readings = await asyncio.to_thread(
            lambda: [self.texts.profile_reading(p) for p in profiles]
        )
        points, gone = [], []
        for profile, vec, reading in zip(profiles, vectors, readings, strict=True):
            location = self._where(profile.commune_insee)
            consent = profile.consent
            if location is None or consent is None or not consent.active_at(at):
                gone.append(point_id(profile.candidate_id))
                continue
            payload = {
                "doc": encode_doc(profile_to_dict(profile)),
                "location": location,
                "mobility_km": profile.mobility_km,
                "licence": int(profile.has_driving_licence),
                "unavailable": sorted(profile.unavailable_schedules),
                "consent_expires_at": consent.expires_at.timestamp(),
                "consent_granted_at": consent.granted_at.timestamp(),
                "rome_codes": list(reading.codes),
                "trades": [list(f) for f in reading.fiches],
                "version": profile.version,
            }
            points.append(Point(point_id(profile.candidate_id), vec.dense, vec.sparse, payload))
        if points:
            await self.index.upsert(PROFILES, points)
        if gone:
            await self.index.delete(PROFILES, gone)
        return [Indexed(v, r) for v, r in zip(vectors, readings, strict=True)]

    async def need_readings(self, needs: Sequence[Need]) -> list[Reading]:
        """Each need's trades (kept per text by the reader: a second call costs nothing)."""
        return await asyncio.to_thread(lambda: [self.texts.need_reading(n) for n in needs])

    async def index_needs(self, needs: Sequence[Need]) -> list[Indexed]:
        vectors = await self.texts.need_vectors(needs)
        readings = await self.need_readings(needs)
        points = [
            Point(point_id(n.need_id), v.dense, v.sparse, self._need_payload(n, r))
            for n, v, r in zip(needs, vectors, readings, strict=True)
            if self._where(n.commune_insee) is not None
        ]
        if points:
            await self.index.upsert(NEEDS, points)
        return [Indexed(v, r) for v, r in zip(vectors, readings, strict=True)]

    def _need_payload(self, need: Need, reading: Reading) -> dict[str, Any]:
        return {
            "doc": encode_doc(need_to_dict(need)),
            "location": self._where(need.commune_insee),
            "open": 1,
            "licence_required": int(need.driving_licence_required),
            "schedules": sorted(need.schedules),
            "rome_codes": list(reading.codes[:1]),
            "trades": [list(f) for f in reading.fiches],
            "version": need.version,
        }

    async def remove_profile(self, candidate_id: str) -> None:
        await self.index.delete(PROFILES, [point_id(candidate_id)])

    async def remove_need(self, need_id: str) -> None:
        await self.index.delete(NEEDS, [point_id(need_id)])

    # -- matching ---------------------------------------------------------------------------
    async def rank_for_need(
        self, need: Need, *, at: datetime, indexed: Indexed | None = None
    ) -> list[Proposal]:
        """`indexed`: what index_needs read of this need (else it is read again here)."""
        location = self._where(need.commune_insee)
        if location is None:
            return []
        if indexed is None:
            vectors = (await self.texts.need_vectors([need]))[0]
            indexed = Indexed(vectors, await asyncio.to_thread(self.texts.need_reading, need))
        vec, reading = indexed.vectors, indexed.reading
        where = prefilter.profiles_for_need(need, location["lat"], location["lon"], at=at)
        found = await self._candidates(PROFILES, vec, where, reading.codes[:1], documents=False)
        return await self._best(
            found,
            # A profile's trades as indexed: its document is decoded only if its pair is assessed.
            lambda payload: Head(need, (reading, _indexed_trades(payload))),
            profile_of,
            at=at,
        )

    async def rank_for_profile(
        self, profile: Profile, *, at: datetime, indexed: Indexed | None = None
    ) -> list[Proposal]:
        """`indexed`: what index_profiles read of this profile (else it is read again here)."""
        location = self._where(profile.commune_insee)
        if location is None or profile.consent is None or not profile.consent.active_at(at):
            return []
        if indexed is None:
            vectors = (await self.texts.profile_vectors([profile]))[0]
            reading = await asyncio.to_thread(self.texts.profile_reading, profile)
            indexed = Indexed(vectors, reading)
        vec, reading = indexed.vectors, indexed.reading
        where = prefilter.needs_for_profile(profile, location["lat"], location["lon"])
        found = await self._candidates(NEEDS, vec, where, reading.codes)
        return await self._best(
            found,
            # A need's skills and welcome bound its score: its document is read up front.
            lambda payload: Head(self._need_read(payload), (_indexed_trades(payload), reading)),
            lambda _: profile,
            at=at,
        )

    def _need_read(self, payload: dict[str, Any]) -> Need:
        """The need of an indexed document, decoded once per document text: a profile update
        reads the documents of the ~200 needs its searches find, mostly the same open needs
        (a document's text is its content: a need changed is another text, read anew)."""
        doc = payload["doc"]
        if not isinstance(doc, str):
            return need_of(payload)
        return self._needs_read.one(doc, lambda: need_of(payload))

    async def _candidates(
        self,
        collection: Collection,
        vec: Vectors,
        where: Condition,
        codes: tuple[str, ...],
        *,
        documents: bool = True,
    ) -> candidates.Candidates:
        return await candidates.gather(
            self.index,
            collection,
            dense=vec.dense,
            sparse=vec.sparse,
            where=where,
            codes=codes,
            pool=self.settings.pool,
            documents=documents,
        )

    def assess(
        self, need: Need, profile: Profile, dense: float, lexical: float, *, at: datetime
    ) -> Proposal | None:
        """The scored, explained proposal of one pair, or None when the pair is incompatible."""
        trades = (self.texts.need_reading(need), self.texts.profile_reading(profile))
        scored = self.scorer.score(
            need, profile, dense=rounded(dense), lexical=rounded(lexical), trades=trades, at=at
        )
        return None if scored is None else self.scorer.explained(scored)

    async def _best(
        self,
        found: candidates.Candidates,
        head_of: Callable[[dict[str, Any]], Head],
        read_profile: Callable[[dict[str, Any]], Profile],
        *,
        at: datetime,
    ) -> list[Proposal]:
        def assess(
            need: Need,
            profile: Profile,
            dense: float,
            lexical: float,
            trades: tuple[Reading, Reading],
        ) -> Scored | None:
            return self.scorer.score(
                need, profile, dense=dense, lexical=lexical, trades=trades, at=at
            )

        kept = await selection.best(
            found,
            head_of=head_of,
            read_profile=read_profile,
            assess=assess,
            top_k=self.settings.top_k,
            threshold=self.settings.threshold,
        )
        return [self.scorer.explained(s, rank=r) for r, s in enumerate(kept, start=1)]


def _indexed_trades(payload: dict[str, Any]) -> Reading:
    """The trades a point was indexed with (the reading of its texts then)."""
    return Reading(tuple((str(c), float(p)) for c, p in payload.get("trades", ())))
