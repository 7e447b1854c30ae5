"""The matching pipeline, shared by the live service and the batch command.

Index a document (embed off the event loop, sparse vector, payload of hard constraints), then
find the other side: filtered dense, lexical and same-trade searches in the index, the exact
compatibility check on each point found, the hybrid score, the threshold, the top K, and why.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from services.matcher import candidates
from services.matcher.adapters.embedder import Embedder
from services.matcher.adapters.index_payload import encode_doc, need_of, profile_of
from services.matcher.domain import compatibility, prefilter, ranking, skills
from services.matcher.domain.explanation import explain
from services.matcher.domain.model import (
    Need,
    Profile,
    need_to_dict,
    profile_to_dict,
)
from services.matcher.domain.ports import (
    NEEDS,
    PROFILES,
    Collection,
    Condition,
    Point,
    Sparse,
    VectorIndex,
)
from services.matcher.domain.rome import RomeLink, RomeResolver
from services.matcher.domain.text import TextEngine

RANKING_VERSION = "hybrid-2"  # 2: texts encoded in plain typography
_NS = uuid.UUID("6f1c1d8e-8a51-4d0c-a3f7-3c1f0b7a9e21")


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
class Proposal:
    need: Need
    profile: Profile
    score: float
    parts: ranking.Parts
    explanation: str
    rank: int = 0


@dataclass(frozen=True, slots=True)
class Vectors:
    dense: list[float]
    sparse: Sparse


class Pipeline:
    def __init__(
        self,
        *,
        index: VectorIndex,
        embedder: Embedder,
        text: TextEngine,
        resolver: RomeResolver,
        settings: Settings | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.text = text
        self.resolver = resolver
        self.settings = settings or Settings()

    @property
    def model_version(self) -> str:
        return f"{self.embedder.name}+{RANKING_VERSION}"

    @property
    def referential_version(self) -> str:
        return self.resolver.snapshot.version_tag

    # -- texts and vectors ------------------------------------------------------------------
    def need_text(self, need: Need) -> str:
        return self.resolver.neutral(
            f"{need.title}. {', '.join(need.skills)}. {need.description[:600]}"
        )

    def profile_text(self, profile: Profile) -> str:
        return self.resolver.neutral(
            f"{', '.join(profile.desired_jobs)}. {', '.join(profile.skills)}. "
            f"{profile.experience[:600]}"
        )

    async def vectors(self, texts: Sequence[str]) -> list[Vectors]:
        if not texts:
            return []
        # Encoding is CPU-bound: a worker thread keeps the event loop answering.
        dense: np.ndarray = await asyncio.to_thread(
            self.embedder.encode, list(texts), kind="passage"
        )
        sparse = [Sparse(*self.text.lexical_vector(t)) for t in texts]
        return [Vectors(d.tolist(), s) for d, s in zip(dense, sparse, strict=True)]

    def need_codes(self, need: Need) -> tuple[str, ...]:
        return (need.rome_code,) if need.rome_code else self.resolver.codes_for([need.title])

    def profile_codes(self, profile: Profile) -> tuple[str, ...]:
        derived = self.resolver.codes_for(profile.desired_jobs)
        return tuple(dict.fromkeys((*profile.desired_rome_codes, *derived)))

    def distance(self, a: str, b: str) -> float | None:
        snapshot = self.resolver.snapshot
        if not (snapshot.has_commune(a) and snapshot.has_commune(b)):
            return None
        return snapshot.distance_km(a, b)

    def _where(self, insee: str) -> dict[str, float] | None:
        commune = self.resolver.snapshot.commune(insee)
        return None if commune is None else {"lat": commune.latitude, "lon": commune.longitude}

    # -- indexing ---------------------------------------------------------------------------
    async def index_profiles(self, profiles: Sequence[Profile], *, at: datetime) -> list[Vectors]:
        """Index the profiles that can be matched (active consent, known commune)."""
        vectors = await self.vectors([self.profile_text(p) for p in profiles])
        points, gone = [], []
        for profile, vec in zip(profiles, vectors, strict=True):
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
                "rome_codes": list(self.profile_codes(profile)),
                "version": profile.version,
            }
            points.append(Point(point_id(profile.candidate_id), vec.dense, vec.sparse, payload))
        if points:
            await self.index.upsert(PROFILES, points)
        if gone:
            await self.index.delete(PROFILES, gone)
        return vectors

    async def index_needs(self, needs: Sequence[Need]) -> list[Vectors]:
        vectors = await self.vectors([self.need_text(n) for n in needs])
        points = [
            Point(point_id(n.need_id), v.dense, v.sparse, self._need_payload(n))
            for n, v in zip(needs, vectors, strict=True)
            if self._where(n.commune_insee) is not None
        ]
        if points:
            await self.index.upsert(NEEDS, points)
        return vectors

    def _need_payload(self, need: Need) -> dict[str, Any]:
        return {
            "doc": encode_doc(need_to_dict(need)),
            "location": self._where(need.commune_insee),
            "open": 1,
            "licence_required": int(need.driving_licence_required),
            "schedules": sorted(need.schedules),
            "rome_codes": list(self.need_codes(need)),
            "version": need.version,
        }

    async def remove_profile(self, candidate_id: str) -> None:
        await self.index.delete(PROFILES, [point_id(candidate_id)])

    async def remove_need(self, need_id: str) -> None:
        await self.index.delete(NEEDS, [point_id(need_id)])

    # -- matching ---------------------------------------------------------------------------
    async def rank_for_need(
        self, need: Need, *, at: datetime, vectors: Vectors | None = None
    ) -> list[Proposal]:
        location = self._where(need.commune_insee)
        if location is None:
            return []
        vec = vectors or (await self.vectors([self.need_text(need)]))[0]
        where = prefilter.profiles_for_need(need, location["lat"], location["lon"], at=at)
        need_codes = self.need_codes(need)
        found = await self._candidates(PROFILES, vec, where, self._trade_codes(need_codes))
        return await self._best(
            found,
            # A profile's codes as indexed: its document is decoded only if its pair is assessed.
            lambda payload: (self.resolver.link(need_codes, _indexed_codes(payload)), need),
            profile_of,
            at=at,
        )

    async def rank_for_profile(
        self, profile: Profile, *, at: datetime, vectors: Vectors | None = None
    ) -> list[Proposal]:
        location = self._where(profile.commune_insee)
        if location is None or profile.consent is None or not profile.consent.active_at(at):
            return []
        vec = vectors or (await self.vectors([self.profile_text(profile)]))[0]
        where = prefilter.needs_for_profile(profile, location["lat"], location["lon"])
        profile_codes = self.profile_codes(profile)
        found = await self._candidates(NEEDS, vec, where, self._trade_codes(profile_codes))
        return await self._best(
            found,
            # A need's skills and welcome bound its score: its document is read up front.
            lambda payload: (
                self.resolver.link(_indexed_codes(payload), profile_codes),
                need_of(payload),
            ),
            lambda _: profile,
            at=at,
        )

    def _trade_codes(self, codes: tuple[str, ...]) -> tuple[str, ...]:
        """The codes themselves and their ROME mobilités: what the same-trade search looks for."""
        snapshot = self.resolver.snapshot
        return tuple(dict.fromkeys((*codes, *(m for c in codes for m in snapshot.mobilities(c)))))

    async def _candidates(
        self, collection: Collection, vec: Vectors, where: Condition, codes: tuple[str, ...]
    ) -> candidates.Candidates:
        return await candidates.gather(
            self.index,
            collection,
            dense=vec.dense,
            sparse=vec.sparse,
            where=where,
            codes=codes,
            pool=self.settings.pool,
        )

    def assess(
        self, need: Need, profile: Profile, dense: float, lexical: float, *, at: datetime
    ) -> Proposal | None:
        """The scored, explained proposal of one pair, or None when the pair is incompatible."""
        link = self.resolver.link(self.need_codes(need), self.profile_codes(profile))
        scored = self._score(need, profile, _rounded(dense), _rounded(lexical), link, at=at)
        return None if scored is None else self._explained(*scored)

    def _score(
        self,
        need: Need,
        profile: Profile,
        dense: float,
        lexical: float,
        link: RomeLink,
        *,
        at: datetime,
    ) -> _Scored | None:
        """The parts of a compatible pair (and what its explanation needs), else None."""
        verdict = compatibility.check(need, profile, at=at, distance_km=self.distance)
        if not verdict.compatible or verdict.distance_km is None:
            return None
        share, matched = skills.overlap(need.skills, profile.skills, profile.experience)
        welcome = need.open_to_beginners and skills.beginner(profile.experience)
        in_time = (
            profile.available_from is None
            or need.start_date is None
            or profile.available_from <= need.start_date
        )
        parts = ranking.Parts(
            dense=dense,
            lexical=lexical,
            rome=ranking.ROME_VALUES[link.kind],
            skills=share,
            bonus=ranking.bonus(
                open_to_beginners=need.open_to_beginners,
                is_beginner=welcome,
                available_in_time=in_time,
            ),
            distance_km=verdict.distance_km,
        )
        return need, profile, parts, link, matched, welcome

    def _explained(
        self,
        need: Need,
        profile: Profile,
        parts: ranking.Parts,
        link: RomeLink,
        matched: tuple[str, ...],
        welcome: bool,
        rank: int = 0,
    ) -> Proposal:
        text = explain(
            need=need,
            profile=profile,
            link=link,
            label=self.resolver.label,
            distance_km=parts.distance_km,
            matched_skills=matched,
            beginner_welcome=welcome,
        )
        return Proposal(need, profile, _final(parts), parts, text, rank)

    async def _best(
        self,
        found: candidates.Candidates,
        head_of: Callable[[dict[str, Any]], tuple[RomeLink, Need]],
        read_profile: Callable[[dict[str, Any]], Profile],
        *,
        at: datetime,
    ) -> list[Proposal]:
        """The top K compatible pairs above the threshold, best first, explained. `head_of`
        reads what bounds a point's score: the trade link of its pair, and its need;
        `read_profile` reads the pair's profile, for the pairs assessed only.

        Pairs are taken by an upper bound of their score (the dense score, the bound of the
        lexical one, the trade link, and the best skills and bonus they could have), and the
        exact checks stop once no pair left can beat the K-th kept: the same result as
        assessing every pair, with the exact lexical score, compatibility, skills and
        explanation work done for a few dozen instead of the few hundred points a query finds.
        """
        bounded = []
        for point in found.points:
            link, need = head_of(point.payload)
            d = _rounded(point.dense)
            bound = ranking.upper_bound(
                dense=d,
                # The index's float32 sum and ours may differ in the last bits.
                lexical=_rounded(point.lexical_bound) + _ROUNDING,
                rome=ranking.ROME_VALUES[link.kind],
                has_skills=bool(need.skills),
                open_to_beginners=need.open_to_beginners,
            )
            bounded.append((bound, point.id, point.payload, need, d, link))
        bounded.sort(key=lambda b: -b[0])
        top_k, threshold = self.settings.top_k, self.settings.threshold
        kept: list[tuple[float, str, str, _Scored]] = []
        lexical: dict[str, float] = {}
        for at_rank, (bound, pid, payload, need, d, link) in enumerate(bounded):
            floor = kept[top_k - 1][0] if len(kept) >= top_k else threshold
            if not _may_enter(bound, floor):
                break  # sorted by bound: no pair left can enter the top K
            if pid not in lexical:
                # The exact lexical scores of the next pairs that may enter, in one read.
                ahead = bounded[at_rank : at_rank + _LEXICAL_READ]
                wanted = [b[1] for b in ahead if _may_enter(b[0], floor) and b[1] not in lexical]
                lexical.update(dict.fromkeys(wanted, -1.0))  # -1: deleted since the search
                lexical.update(await found.exact_lexical(wanted))
            if lexical[pid] < 0:
                continue
            profile = read_profile(payload)
            scored = self._score(need, profile, d, _rounded(lexical[pid]), link, at=at)
            if scored is None:
                continue
            score = _final(scored[2])
            if score < threshold:
                continue
            kept.append((score, profile.candidate_id, need.need_id, scored))
            kept.sort(key=lambda k: (-k[0], k[1], k[2]))
            del kept[top_k:]
        return [self._explained(*k[3], rank=r) for r, k in enumerate(kept, start=1)]


# A compatible pair: its parts, and what its explanation needs (link, skills found, welcome).
_Scored = tuple[Need, Profile, ranking.Parts, RomeLink, tuple[str, ...], bool]


_DECIMALS = 4  # of the cosines ranked, see _rounded
_ROUNDING = 10.0**-_DECIMALS
_SCORE_DECIMALS = 6  # of a final score
_LEXICAL_READ = 48  # pairs whose exact lexical score is read at once (~3 reads a need at 100k)


def _indexed_codes(payload: dict[str, Any]) -> tuple[str, ...]:
    """The ROME codes a point was indexed with (`profile_codes` / `need_codes` then)."""
    return tuple(payload["rome_codes"])


def _rounded(cosine: float) -> float:
    # The index and numpy compute the same cosine to different last bits, and twins must
    # score exactly the same.
    return round(cosine, _DECIMALS)


def _final(parts: ranking.Parts) -> float:
    return round(ranking.score(parts), _SCORE_DECIMALS)


def _may_enter(bound: float, floor: float) -> bool:
    """A pair whose score bound, at the scores' precision, reaches the floor may enter the top K."""
    return round(bound, _SCORE_DECIMALS) >= floor
