"""Whatever the needs and profiles, the ranking pipeline never returns an incompatible pair,
and its top K is the start of the full ranking (the early stop loses no better pair)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.matcher.adapters.embedder import FakeEmbedder
from services.matcher.adapters.qdrant_client_index import memory_index
from services.matcher.domain import compatibility
from services.matcher.domain.model import Consent, Need, Profile
from services.matcher.domain.rome import RomeResolver
from services.matcher.pipeline import Pipeline, Settings
from tests.unit.matcher.factories import NOW

COMMUNES = ["31555", "31395", "31483", "31069", "31042", "31451", "31232", "31999"]
JOBS = ["Maçon", "Maçonne", "Cariste", "Aide-soignante", "Cuisinier", "Plombier", "Serveuse"]
SCHEDULES = st.frozensets(st.sampled_from(["day", "early_morning", "night", "weekend"]))
days = st.integers(min_value=-400, max_value=400).map(lambda d: NOW + timedelta(days=d))

consents = st.one_of(
    st.none(),
    st.builds(
        Consent,
        granted_at=days,
        expires_at=days,
        withdrawn_at=st.one_of(st.none(), days),
        purposes=st.sampled_from([("matching",), ("sharing_with_employers",)]),
    ),
)
needs = st.builds(
    Need,
    need_id=st.uuids().map(str),
    version=st.just(1),
    title=st.sampled_from(JOBS),
    commune_insee=st.sampled_from(COMMUNES),
    skills=st.lists(st.sampled_from(["coffrage", "conduite de chariot", "soins"]), max_size=2).map(
        tuple
    ),
    driving_licence_required=st.booleans(),
    schedules=SCHEDULES,
)
profiles = st.builds(
    Profile,
    candidate_id=st.uuids().map(str),
    version=st.just(1),
    consent=consents,
    desired_jobs=st.lists(st.sampled_from(JOBS), min_size=1, max_size=2).map(tuple),
    commune_insee=st.sampled_from(COMMUNES),
    mobility_km=st.floats(min_value=0, max_value=200),
    has_driving_licence=st.booleans(),
    unavailable_schedules=SCHEDULES,
)

SKILLS = st.lists(st.sampled_from(["coffrage", "conduite de chariot", "soins"]), max_size=2)
# Pairs whose skills and experience differ, so that the score's upper bound is loose by
# different amounts: the early stop of the top K has to be right, not lucky.
varied_profiles = st.builds(
    Profile,
    candidate_id=st.uuids().map(str),
    version=st.just(1),
    consent=st.just(
        Consent(granted_at=NOW - timedelta(days=9), expires_at=NOW + timedelta(days=9))
    ),
    desired_jobs=st.lists(st.sampled_from(JOBS), min_size=1, max_size=2).map(tuple),
    commune_insee=st.sampled_from(COMMUNES[:4]),
    mobility_km=st.floats(min_value=20, max_value=200),
    skills=SKILLS.map(tuple),
    experience=st.sampled_from(["", "2 mois de stage", "6 ans de coffrage", "soins, 3 ans"]),
    has_driving_licence=st.booleans(),
)

open_needs = st.builds(
    Need,
    need_id=st.uuids().map(str),
    version=st.just(1),
    title=st.sampled_from(JOBS),
    commune_insee=st.sampled_from(COMMUNES[:4]),
    skills=SKILLS.map(tuple),
    open_to_beginners=st.booleans(),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    batch=st.lists(profiles, min_size=1, max_size=12, unique_by=lambda p: p.candidate_id),
    wanted=st.lists(needs, min_size=1, max_size=3, unique_by=lambda n: n.need_id),
)
def test_no_incompatible_pair_is_ever_proposed(
    resolver: RomeResolver, batch: list[Profile], wanted: list[Need]
) -> None:
    async def run() -> list[tuple[Need, Profile]]:
        embedder = FakeEmbedder()
        index = memory_index()
        await index.ensure(embedder.dim)
        pipeline = Pipeline(
            index=index,
            embedder=embedder,
            resolver=resolver,
            settings=Settings(threshold=0.0, top_k=50),
        )
        # Index at a time when every consent counts, then match "now": expiry must still hold.
        await pipeline.index_profiles(batch, at=NOW - timedelta(days=1))
        await pipeline.index_needs(wanted)
        pairs = [
            (p.need, p.profile) for n in wanted for p in await pipeline.rank_for_need(n, at=NOW)
        ]
        pairs += [
            (p.need, p.profile) for q in batch for p in await pipeline.rank_for_profile(q, at=NOW)
        ]
        return pairs

    for need, profile in asyncio.run(run()):
        assert compatibility.compatible(
            need, profile, at=NOW, distance_km=resolver_distance(resolver)
        )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    batch=st.lists(varied_profiles, min_size=1, max_size=16, unique_by=lambda p: p.candidate_id),
    wanted=st.lists(open_needs, min_size=1, max_size=3, unique_by=lambda n: n.need_id),
    top_k=st.integers(min_value=1, max_value=4),
    threshold=st.sampled_from([0.0, 0.0, 0.2, 0.35]),
)
def test_the_top_k_is_the_start_of_the_full_ranking(
    resolver: RomeResolver, batch: list[Profile], wanted: list[Need], top_k: int, threshold: float
) -> None:
    Row = tuple[str, str, float, str]

    async def run() -> tuple[list[list[Row]], list[list[Row]]]:
        embedder = FakeEmbedder()
        index = memory_index()
        await index.ensure(embedder.dim)
        common = dict(index=index, embedder=embedder, resolver=resolver)
        few = Pipeline(**common, settings=Settings(threshold=threshold, top_k=top_k))  # type: ignore[arg-type]
        every = Pipeline(**common, settings=Settings(threshold=threshold, top_k=100))  # type: ignore[arg-type]
        await every.index_profiles(batch, at=NOW)
        await every.index_needs(wanted)

        async def rows(p: Pipeline) -> list[list[Row]]:
            found = [await p.rank_for_need(n, at=NOW) for n in wanted]
            found += [await p.rank_for_profile(q, at=NOW) for q in batch]
            return [
                [(x.need.need_id, x.profile.candidate_id, x.score, x.explanation) for x in f]
                for f in found
            ]

        return await rows(few), await rows(every)

    few, every = asyncio.run(run())
    assert few == [full[:top_k] for full in every]


def resolver_distance(resolver: RomeResolver):  # type: ignore[no-untyped-def]
    snap = resolver.snapshot
    return lambda a, b: (
        snap.distance_km(a, b) if snap.has_commune(a) and snap.has_commune(b) else None
    )
