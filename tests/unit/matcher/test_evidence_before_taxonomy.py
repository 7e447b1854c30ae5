"""Issue 17 in the pipeline: the threshold keeps the same trade, twins tie exactly, codes given
stay authoritative, and the trade named in other words is what the explanation says."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.matcher.adapters.qdrant_client_index import memory_index
from services.matcher.pipeline import Pipeline, Settings
from tests.unit.matcher.factories import NOW, need, profile


async def _alone(pipeline: Pipeline, threshold: float) -> Pipeline:
    """The same engine over a fresh index, with another threshold."""
    index = memory_index()
    await index.ensure(pipeline.embedder.dim)
    return Pipeline(
        index=index,
        embedder=pipeline.embedder,
        resolver=pipeline.resolver,
        settings=Settings(top_k=10, threshold=threshold),
        trades=pipeline.texts.trades,
    )


async def test_the_threshold_never_drops_a_candidate_of_the_same_trade(pipeline: Pipeline) -> None:
    mason, cook = profile(desired_jobs=("Maçonne",)), profile(desired_jobs=("Cuisinier",))
    found = {}
    for threshold in (0.0, 0.99):
        engine = await _alone(pipeline, threshold)
        await engine.index_profiles([mason, cook], at=NOW)
        ranked = await engine.rank_for_need(need(title="Maçon"), at=NOW)
        found[threshold] = {p.profile.candidate_id for p in ranked}
    assert found[0.0] == {mason.candidate_id, cook.candidate_id}  # both compatible
    assert found[0.99] == {mason.candidate_id}  # the threshold drops the cook only


async def test_a_code_given_by_the_federation_is_the_trade_whatever_the_title(
    pipeline: Pipeline,
) -> None:
    coded = need(title="Cuisinier", rome_code="F1703")
    assert pipeline.need_codes(coded) == ("F1703",)
    assert pipeline.need_codes(need(title="Maçon")) == ("F1703",)  # read, when not given
    proposal = pipeline.assess(coded, profile(desired_jobs=("Maçonne",)), 0.5, 0.3, at=NOW)
    assert proposal is not None and proposal.explanation.startswith("Même métier")


async def test_a_trade_named_in_the_experience_is_said_in_the_explanation(
    pipeline: Pipeline,
) -> None:
    blind = await _alone(pipeline, 0.0)
    named = profile(desired_jobs=("Tout poste",), experience="Solier moquettiste pendant 5 ans.")
    silent = profile(desired_jobs=("Tout poste",), experience="Cinq ans en usine.")
    floor = need(title="Solier moquettiste", skills=())
    said = blind.assess(floor, named, 0.5, 0.3, at=NOW)
    unsaid = blind.assess(floor, silent, 0.5, 0.3, at=NOW)
    assert said is not None and unsaid is not None
    assert "solier, moquettiste" in said.explanation
    assert "solier" not in unsaid.explanation


# Twins: the same profile but for gendered or inclusive forms of the same words.
FORMS = [
    ("Maçonne H/F", "Maçon"),
    ("Aide-soignant·e", "Aide-soignant"),
    ("Agent(e) de propreté", "Agent de propreté"),
    ("Plâtrière", "Plâtrier"),
    ("Cheffe de rang (F/H)", "Chef de rang"),
    ("Équipier(e) polyvalent(e)", "Équipier polyvalent"),
    ("Caissier(ère)", "Caissier"),
    ("Accompagnant·e éducatif·ve et social·e", "Accompagnant éducatif et social"),
    ("Conductrice routière", "Conducteur routier"),
]
EXPERIENCES = ["", "{} en clinique pendant 4 ans.", "Je souhaite devenir {}, CAP en cours."]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    forms=st.sampled_from(FORMS),
    experience=st.sampled_from(EXPERIENCES),
    title=st.sampled_from(["Maçon", "Aide-soignant", "Agent de propreté", "Caissier"]),
)
async def test_twins_score_exactly_the_same_and_tie_by_id(
    pipeline: Pipeline, forms: tuple[str, str], experience: str, title: str
) -> None:
    engine = await _alone(pipeline, 0.0)
    feminine, masculine = forms
    a = profile(desired_jobs=(feminine,), experience=experience.format(feminine))
    b = replace(
        a,
        candidate_id=a.candidate_id[:-1] + ("0" if a.candidate_id[-1] != "0" else "1"),
        desired_jobs=(masculine,),
        experience=experience.format(masculine),
    )
    await engine.index_profiles([a, b], at=NOW)
    ranked = await engine.rank_for_need(need(title=title), at=NOW)
    assert [p.profile.candidate_id for p in ranked] == sorted([a.candidate_id, b.candidate_id])
    assert ranked[0].score == ranked[1].score
    assert ranked[0].parts == ranked[1].parts
