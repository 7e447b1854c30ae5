"""Published free text is screened for health, disability, pregnancy and family data: whole
words, any case, accents and gender, but a word naming the people a trade serves is a trade."""

from __future__ import annotations

import pytest

from shared.screening import screen_items, screen_text, sensitive_category

HITS = [
    ("RQTH depuis 2019.", "disability"),
    ("Reconnue travailleuse handicapée", "disability"),
    ("Candidat en situation de handicap.", "disability"),
    ("Arrêt maladie de six mois en 2024.", "health"),
    ("DIABÈTE", "health"),
    ("Enceinte de 5 mois.", "pregnancy"),
    ("Congé maternité jusqu'en mars.", "pregnancy"),
    ("Mère de deux enfants.", "family_situation"),
    ("pere de 3 enfants", "family_situation"),
    ("Elle a trois enfants.", "family_situation"),
    ("Mariée, vit à Muret.", "family_situation"),
    ("Marié depuis 2010.", "family_situation"),
    ("Divorcé", "family_situation"),
    ("Veuve, un fils.", "family_situation"),
    ("Maman solo", "family_situation"),
    ("Deux enfants à charge.", "family_situation"),
    ("Garde ses enfants le mercredi.", "family_situation"),
]
# Near misses: trades and their publics, homographs, words that merely look alike.
PASSES = [
    "Garde d'enfants",
    "garde de deux enfants de 3 et 5 ans pendant deux ans",
    "Éducatrice de jeunes enfants",
    "Animatrice enfants",
    "Accompagnement de personnes en situation de handicap",
    "Aide-soignante auprès de malades d'Alzheimer",
    "Accompagnement des femmes enceintes",
    "Suivi de grossesse en PMI",
    "Retouches de robes de mariée",
    "Dossiers de divorce chez un notaire",
    "Pose d'enceintes acoustiques",
    "Salon Marie Coiffure, 3 ans",
    "Prévention des accidents du travail",
    "Assistante maternelle agréée",
    "Cariste, conduite de chariots élévateurs",
]


@pytest.mark.parametrize(("sentence", "category"), HITS)
def test_a_sentence_about_the_persons_own_situation_is_screened(
    sentence: str, category: str
) -> None:
    assert sensitive_category(sentence) == category


@pytest.mark.parametrize("sentence", PASSES)
def test_a_trade_or_its_public_is_not_screened(sentence: str) -> None:
    assert sensitive_category(sentence) is None


def test_the_screened_sentence_is_removed_and_reported_the_rest_kept_as_written() -> None:
    text = "3 ans de cariste.\nMère de deux enfants. Permis B.\n- RQTH\n- CACES 3"
    kept, findings = screen_text("experience", text)
    assert kept == "3 ans de cariste.\nPermis B.\n- CACES 3"
    assert [(f.field, f.sentence, f.category) for f in findings] == [
        ("experience", "Mère de deux enfants.", "family_situation"),
        ("experience", "RQTH", "disability"),
    ]


def test_a_clean_text_comes_back_unchanged_with_nothing_reported() -> None:
    text = "Garde d'enfants à domicile.\n\tPermis B."
    assert screen_text("experience", text) == (text, [])


def test_a_list_loses_only_its_sensitive_items_each_named_by_position() -> None:
    kept, findings = screen_items("skills", ["garde d'enfants", "enceinte", "repassage"])
    assert kept == ["garde d'enfants", "repassage"]
    assert [(f.field, f.sentence) for f in findings] == [("skills.1", "enceinte")]
