"""What each constraint of a need costs, counted exactly on profiles whose constraints are known.

The counting itself (domain/reach.py) runs on built profiles and a distance table; the pass over
the index (reach.py) on the in-memory index; the publication on a fake of the tables.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given as example_of
from hypothesis import settings
from hypothesis import strategies as st

from services.matcher import reach as publishing
from services.matcher.adapters import reach_store
from services.matcher.domain import reach, skills
from services.matcher.domain.model import Need, Profile
from services.matcher.domain.trades import Reading, given
from services.matcher.handlers import Deps
from services.matcher.pipeline import Pipeline
from shared.contracts import Event, NeedReachComputed, decode_event, encode_event
from tests.unit.matcher.factories import BLAGNAC, MURET, NOW, TOULOUSE, consent, need, profile

START = date(2027, 1, 4)
EXPERIENCED = "8 ans de maçonnerie traditionnelle, coffrage, coulage de béton, lecture de plans."
KM = {"HERE": 3.0, "MID": 15.0, "FAR": 25.0, "AWAY": 40.0}


def _need() -> Need:
    return need(
        driving_licence_required=True,
        schedules=frozenset({"night", "weekend"}),
        open_to_beginners=False,
        start_date=START,
    )


def _fit(**changes: Any) -> Profile:
    """A profile meeting every constraint of `_need`, then `changes`."""
    base = profile(
        commune_insee="HERE",
        mobility_km=10,
        has_driving_licence=True,
        experience=EXPERIENCED,
        available_from=START - timedelta(days=7),
    )
    return replace(base, **changes)


def _count(n: Need, profiles: list[Profile]) -> reach.Reach:
    return reach.count(
        n,
        profiles,
        at=NOW,
        distance=lambda _a, b: KM.get(b),
        is_beginner=lambda p: skills.beginner(p.experience),
    )


def _known_profiles() -> list[Profile]:
    later = START + timedelta(days=20)
    return [
        *(_fit() for _ in range(3)),  # fit as asked
        *(_fit(has_driving_licence=False) for _ in range(2)),
        _fit(commune_insee="MID"),  # 15 km, moves 10: fits with 10 km more
        _fit(commune_insee="FAR"),  # 25 km, moves 10: fits with 20 km more only
        _fit(commune_insee="AWAY"),  # 40 km: fits with none
        *(_fit(unavailable_schedules=frozenset({"night"})) for _ in range(2)),
        _fit(unavailable_schedules=frozenset({"night", "weekend"})),  # two schedules: no one fix
        _fit(experience="Débutant"),  # a beginner
        *(_fit(available_from=later) for _ in range(2)),  # 20 days after the start
        _fit(available_from=START + timedelta(days=40)),  # more than a month after
        _fit(consent=consent(withdrawn_at=NOW - timedelta(days=1))),  # fits, but withdrew
        _fit(has_driving_licence=False, commune_insee="MID"),  # two constraints at once
    ]


def test_each_relaxation_counts_exactly_the_profiles_it_alone_lets_in() -> None:
    counted = _count(_need(), _known_profiles())

    assert counted.compatible == 3
    assert dict(counted.what_if) == {
        "sans_permis": 3 + 2,
        "plus_10_km": 3 + 1,
        "plus_20_km": 3 + 2,
        "sans_horaire:night": 3 + 2,
        "sans_horaire:weekend": 3,
        "debutants": 3 + 1,
        "un_mois_plus_tard": 3 + 2,
    }


def test_only_the_constraints_the_need_asks_are_offered_to_relax() -> None:
    open_need = need(
        driving_licence_required=False,
        schedules=frozenset(),
        open_to_beginners=True,
        start_date=None,
    )
    counted = _count(open_need, [_fit(), _fit(experience="Débutant", has_driving_licence=False)])

    assert counted.compatible == 2  # neither a licence nor experience is asked
    assert [name for name, _ in counted.what_if] == ["plus_10_km", "plus_20_km"]


def test_a_profile_without_consent_or_in_an_unknown_commune_counts_under_no_relaxation() -> None:
    gone = [
        _fit(consent=consent(expires_at=NOW - timedelta(days=1))),
        _fit(commune_insee="NOWHERE"),
    ]
    counted = _count(_need(), gone)
    assert counted.compatible == 0 and all(n == 0 for _, n in counted.what_if)
    assert _count(_need(), [_fit()]).compatible == 1  # positive control


def test_a_trade_in_common_is_the_matchers_rule_for_proposing_whatever_the_score() -> None:
    mason = given(["F1703"])
    assert reach.same_trade(mason, given(["F1703", "J1501"]))
    assert not reach.same_trade(mason, given(["J1501"]))
    # No confident trade in common, yet evidence enough: 0.9 × 0.6 ≥ 0.5.
    doubtful = Reading((("F1703", 0.9),))
    assert reach.same_trade(doubtful, Reading((("J1501", 0.5), ("F1703", 0.6))))
    assert not reach.same_trade(doubtful, Reading((("F1703", 0.45),)))


# -- over the index ------------------------------------------------------------------------------


async def test_the_pass_over_the_index_counts_only_the_profiles_of_the_needs_trade(
    pipeline: Pipeline,
) -> None:
    mason_need = need(rome_code="F1703", commune_insee=MURET, driving_licence_required=True)
    masons = [
        profile(commune_insee=TOULOUSE, mobility_km=30, has_driving_licence=True),  # 18.6 km
        profile(commune_insee=TOULOUSE, mobility_km=30, has_driving_licence=False),
        profile(commune_insee=TOULOUSE, mobility_km=10, has_driving_licence=True),
    ]
    carer = profile(
        desired_jobs=("Aide-soignante",),
        desired_rome_codes=("J1501",),
        commune_insee=TOULOUSE,
        mobility_km=30,
        experience="10 ans en EHPAD.",
    )
    await pipeline.index_profiles([*masons, carer], at=NOW)
    await pipeline.index_needs([mason_need])
    need_id = uuid.UUID(mason_need.need_id)
    needs = await publishing.indexed_needs(pipeline, [need_id, uuid.uuid4()])
    assert list(needs) == [need_id]  # a need not indexed is left out

    counted = (await publishing.count_reach(pipeline, needs, at=NOW))[need_id]

    assert counted.compatible == 1
    assert dict(counted.what_if)["sans_permis"] == 2
    assert dict(counted.what_if)["plus_10_km"] == 2  # 18.6 km for one who moves 10
    assert dict(counted.what_if)["plus_20_km"] == 2  # the carer, of another trade, never counts


# -- publication ---------------------------------------------------------------------------------


class _Pool:
    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[Any]:
        class Conn:
            @asynccontextmanager
            async def transaction(self) -> AsyncIterator[None]:
                yield

        yield Conn()


@pytest.fixture
def outbox(monkeypatch: pytest.MonkeyPatch) -> list[Event]:
    sent: list[Event] = []

    async def enqueue_events(_conn: Any, *, schema: str, events: list[Event]) -> int:
        assert schema == "matcher"
        sent.extend(decode_event(encode_event(e)) for e in events)  # as on the wire
        return len(events)

    monkeypatch.setattr(publishing, "enqueue_events", enqueue_events)
    return sent


async def test_a_due_need_is_published_with_its_counts_and_no_ones_identity(
    pipeline: Pipeline, outbox: list[Event], monkeypatch: pytest.MonkeyPatch
) -> None:
    mason_need = need(rome_code="F1703", commune_insee=MURET)
    people = [profile(commune_insee=BLAGNAC, mobility_km=40) for _ in range(2)]
    await pipeline.index_profiles(people, at=NOW)
    await pipeline.index_needs([mason_need])
    need_id = uuid.UUID(mason_need.need_id)

    async def claim_due(_conn: Any, **_: Any) -> list[tuple[uuid.UUID, str]]:
        return [(need_id, "BTP31")]

    async def tallies(_conn: Any, *, need_ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
        return {need_id: (7, Counter({"hired": 1, "not_relevant": 2, "not_relevant:trop_loin": 2}))}

    monkeypatch.setattr(reach_store, "claim_due", claim_due)
    monkeypatch.setattr(reach_store, "proposals_and_outcomes", tallies)
    deps = Deps(pool=_Pool(), pipeline=pipeline, clock=lambda: NOW)  # type: ignore[arg-type]

    assert await publishing.publish_due(deps) == 1

    [event] = outbox
    assert isinstance(event, NeedReachComputed) and event.key() == str(need_id).encode()
    p = event.payload
    assert (p.federation, p.computed_at, p.compatible, p.proposals) == ("BTP31", NOW, 2, 7)
    assert p.outcomes == {"hired": 1, "not_relevant": 2, "not_relevant:trop_loin": 2}
    wire = encode_event(event).decode()
    for person in people:
        assert person.candidate_id not in wire
    assert BLAGNAC not in wire


async def test_nothing_due_publishes_nothing(
    pipeline: Pipeline, outbox: list[Event], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def claim_due(_conn: Any, **_: Any) -> list[tuple[uuid.UUID, str]]:
        return []

    monkeypatch.setattr(reach_store, "claim_due", claim_due)
    deps = Deps(pool=_Pool(), pipeline=pipeline, clock=lambda: NOW)  # type: ignore[arg-type]
    assert await publishing.publish_due(deps) == 0 and outbox == []


_COMMUNES = st.sampled_from([*sorted(KM), "NOWHERE"])
_SCHEDULES = st.frozensets(st.sampled_from(["early_morning", "night", "weekend"]))
_DAYS = st.one_of(st.none(), st.integers(min_value=-10, max_value=60))


@settings(max_examples=300, deadline=None)
@example_of(
    licence=st.booleans(),
    schedules=_SCHEDULES,
    beginners=st.booleans(),
    start=st.booleans(),
    people=st.lists(
        st.tuples(
            _COMMUNES,
            st.sampled_from([5, 10, 20, 30]),
            st.booleans(),
            _SCHEDULES,
            st.booleans(),
            _DAYS,
            st.booleans(),
        ),
        max_size=12,
    ),
)
def test_the_one_pass_count_is_the_count_of_fits_for_every_relaxation(
    licence: bool,
    schedules: frozenset[str],
    beginners: bool,
    start: bool,
    people: list[tuple[str, int, bool, frozenset[str], bool, int | None, bool]],
) -> None:
    """`count` decides each profile's relaxations in one pass; `fits` is the definition."""
    n = need(
        commune_insee="HERE",
        driving_licence_required=licence,
        schedules=schedules,
        open_to_beginners=beginners,
        start_date=START if start else None,
    )
    profiles = [
        _fit(
            commune_insee=commune,
            mobility_km=km,
            has_driving_licence=has_licence,
            unavailable_schedules=unavailable,
            experience="Débutant" if novice else EXPERIENCED,
            available_from=None if days is None else START + timedelta(days=days),
            consent=consent() if consenting else consent(withdrawn_at=NOW - timedelta(days=1)),
        )
        for commune, km, has_licence, unavailable, novice, days, consenting in people
    ]

    def beginner(p: Profile) -> bool:
        return skills.beginner(p.experience)

    def fitting(relax: reach.Relaxation) -> int:
        return sum(
            reach.fits(
                n, p, relax, at=NOW, distance_km=KM.get(p.commune_insee), beginner=beginner(p)
            )
            for p in profiles
        )

    got = _count(n, profiles)
    assert got.compatible == fitting(reach.AS_ASKED)
    assert dict(got.what_if) == {w.name: fitting(w) for w in reach.relaxations(n)}
