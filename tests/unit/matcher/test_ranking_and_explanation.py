"""The score favours the same trade; a ROME mobilité is explained, not scored; in French."""

from __future__ import annotations

from services.matcher.domain import ranking, skills
from services.matcher.domain.rome import RomeResolver
from services.matcher.pipeline import Pipeline
from tests.unit.matcher.factories import NOW, need, profile


def test_titles_find_their_rome_fiche_in_either_gender(pipeline: Pipeline) -> None:
    def read(title: str) -> tuple[str, ...]:
        return pipeline.profile_codes(profile(desired_jobs=(title,)))

    assert read("Maçonne") == read("maçon") == ("F1703",)
    assert read("Aide-soignante en EHPAD") == ("J1501",)
    assert read("Agente de propreté") == ("K2205",)
    assert read("Maçon coffreur expérimenté")[0] in {"F1703", "F1701"}


def test_gendered_job_words_are_folded_to_one_form(resolver: RomeResolver) -> None:
    assert resolver.neutral("Aide-soignante, 2 ans") == resolver.neutral("Aide-soignant, 2 ans")
    assert resolver.neutral("Vendeuse en épicerie") == "vendeur en épicerie"


def test_a_title_pasted_with_typographic_signs_reads_as_typed(resolver: RomeResolver) -> None:
    typed = resolver.neutral('Réceptionniste d\'hôtel - nuit "4 étoiles"')
    assert resolver.neutral("Réceptionniste d’hôtel – nuit «4 étoiles»") == typed


async def test_the_same_trade_beats_a_mobilite_which_scores_as_an_unrelated_trade(
    pipeline: Pipeline,
) -> None:
    assert pipeline.resolver.link(["F1703"], ["F1701"]).kind == "mobility"
    assert pipeline.resolver.link(["F1703"], ["F1619"]).kind == "mobility"  # couvreur → maçon
    # The same text evidence for all three: only the trade differs.
    mason = need(title="Maçon", skills=())
    same, near, other = (
        pipeline.assess(mason, profile(desired_jobs=(job,), experience=""), 0.5, 0.3, at=NOW)
        for job in ("Maçonne", "Coffreur", "Cuisinier")
    )
    assert same is not None and near is not None and other is not None
    assert same.score > near.score == other.score  # a mobilité is no bonus
    assert near.explanation.startswith("Métier proche (mobilité ROME, à découvrir)")


def test_skills_are_shown_but_do_not_weigh() -> None:
    # Grades and référents judge the trade: the need's skills list is explained, not scored.
    full = ranking.Parts(dense=0.5, lexical=0.5, rome=1.0, skills=1.0, bonus=0.0, distance_km=0)
    none = ranking.Parts(dense=0.5, lexical=0.5, rome=1.0, skills=None, bonus=0.0, distance_km=0)
    assert ranking.score(none) == ranking.score(full)
    more_text = ranking.Parts(dense=0.6, lexical=0.5, rome=1.0, skills=0.0, bonus=0, distance_km=0)
    assert ranking.score(more_text) > ranking.score(full)


def test_skills_are_found_in_the_profile_skills_or_experience() -> None:
    share, found = skills.overlap(
        ("Lecture de plans", "coffrage", "soudure"), ("lecture de plans",), "coffrer des dalles"
    )
    assert found == ("Lecture de plans", "coffrage") and share == 2 / 3


def test_beginners_are_told_apart_from_experienced_candidates() -> None:
    assert skills.beginner("Première expérience en stage, 3 mois")
    assert skills.beginner("")
    assert not skills.beginner("5 ans de maçonnerie")


async def test_the_explanation_names_the_trade_distance_licence_and_skills(
    pipeline: Pipeline,
) -> None:
    proposal = pipeline.assess(need(driving_licence_required=True), profile(), 0.5, 0.4, at=NOW)
    assert proposal is not None
    assert proposal.explanation == (
        "Même métier : Maçon / Maçonne (F1703) · 19 km · permis B"
        " · compétences communes : lecture de plans, coulage de béton"
    )


async def test_a_mobilite_and_night_work_are_explained(pipeline: Pipeline) -> None:
    night = need(title="Coffreur", schedules=frozenset({"night", "weekend"}), skills=())
    proposal = pipeline.assess(night, profile(), 0.5, 0.4, at=NOW)
    assert proposal is not None
    assert proposal.explanation.startswith(
        "Métier proche (mobilité ROME, à découvrir) : Maçon / Maçonne (F1703)"
        " → Coffreur / Coffreuse (F1701)"
    )
    assert "horaires possibles : nuit, week-end" in proposal.explanation


async def test_an_incompatible_pair_is_not_assessed(pipeline: Pipeline) -> None:
    assert pipeline.assess(need(), profile(mobility_km=3), 0.9, 0.9, at=NOW) is None
