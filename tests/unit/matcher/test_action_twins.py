"""Twins for proposals of actions (Code du travail L1142-1): two persons who differ only by the
gendered or inclusive forms of the same words, in their desired jobs, skills and experience, get
exactly the same proposals: same actions, sessions, order, reasons and explanations."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.matcher import action_mapping, action_proposals
from services.matcher.adapters.embedder import FakeEmbedder
from services.matcher.adapters.qdrant_client_index import memory_index
from services.matcher.domain.discovery import Asked, pick
from services.matcher.domain.model import Profile
from services.matcher.domain.rome import RomeResolver
from services.matcher.pipeline import Pipeline
from tests.unit.matcher import actions_world as w
from tests.unit.matcher.factories import MURET, NOW

# (one form, its twin): the same words, gendered or marked otherwise.
JOBS = [
    ("Aide-soignante", "Aide-soignant"),
    ("Cheffe de rang", "Chef de rang"),
    ("Serveuse H/F", "Serveur"),
    ("Serveur·e", "Serveur"),
    ("Employé(e) de rayon", "Employé de rayon"),
    ("Couvreuse", "Couvreur"),
]
SKILLS = [
    ("cheffe d'équipe", "chef d'équipe"),
    ("Travail en hauteur", "Travail en hauteur"),
    ("lecture de plans", "lecture de plans"),
    ("accueil de la clientèle", "accueil de la clientèle"),
]
EXPERIENCES = [
    ("Deux ans comme aide-soignante de nuit.", "Deux ans comme aide-soignant de nuit."),
    ("Cheffe de rang, puis serveuse en brasserie.", "Chef de rang, puis serveur en brasserie."),
    ("Ouvrier·e polyvalent·e sur chantier.", "Ouvrier polyvalent sur chantier."),
]
ACTIONS = [
    w.action(("F1619",), MURET, w.session(12), title="Toitures"),
    w.action(("D1505",), None, w.session(20), title="Caisse"),
    w.action(("G1803",), None, w.session(15), title="Salle"),
    w.action(("J1501",), None, w.session(11), title="Soins"),
    w.action(("F1704",), None, w.session(13), title="Manœuvre"),
]


# A team leader's trade nearby: the skill "cheffe d'équipe" counts only if read as its twin's.
NEEDS = (*w.NEEDS, Asked("F1704", 1, ("Chef d'équipe", "Travail en hauteur")))


@pytest.fixture(scope="module")
def pipeline(resolver: RomeResolver) -> Pipeline:
    return Pipeline(index=memory_index(), embedder=FakeEmbedder(), resolver=resolver)


def seen(pipeline: Pipeline, person: Profile) -> list[tuple[object, ...]]:
    trades = action_proposals.trades_for(pipeline, person, w.neutral(pipeline, NEEDS))
    picks = pick(trades, ACTIONS, person, at=NOW, distance=pipeline.distance)
    out = []
    for p in picks:
        payload = action_mapping.to_event(p, person, pipeline, None)[0].payload
        out.append((payload.action_id, payload.session_id, payload.reason, payload.explanation))
    return out


twins = st.tuples(
    st.lists(st.sampled_from(JOBS), min_size=1, max_size=3, unique=True),
    st.lists(st.sampled_from(SKILLS), min_size=0, max_size=4, unique=True),
    st.sampled_from(EXPERIENCES),
    st.booleans(),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(twins)
def test_twins_by_gendered_words_get_the_same_proposals(
    pipeline: Pipeline,
    drawn: tuple[list[tuple[str, str]], list[tuple[str, str]], tuple[str, str], bool],
) -> None:
    jobs, skills, (exp_a, exp_b), swap = drawn
    # The skills that open the roofing trade are always there: never a vacuous comparison.
    base = w.person(desired_rome_codes=("G1803",))
    a = replace(
        base,
        desired_jobs=tuple(j[0] for j in jobs),
        skills=("travail en hauteur", "lecture de plans", *(s[0] for s in skills)),
        experience=exp_a,
    )
    b = replace(
        base,
        candidate_id=base.candidate_id,
        desired_jobs=tuple(j[1] for j in jobs),
        skills=("travail en hauteur", "lecture de plans", *(s[1] for s in skills)),
        experience=exp_b,
    )
    a, b = (b, a) if swap else (a, b)
    got = seen(pipeline, a)
    assert got, "the twins' world must propose something"
    assert got == seen(pipeline, b)
