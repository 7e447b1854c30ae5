"""Gendered forms of ROME labels and the comparison key: "Maçonne" and "maconne" are one trade."""

from __future__ import annotations

import pytest

from shared.referential.text import gendered_forms, normalise


@pytest.mark.parametrize(
    ("label", "forms"),
    [
        ("Maçon / Maçonne", ("Maçon", "Maçonne")),
        ("Coffreur-bancheur / Coffreuse-bancheuse", ("Coffreur-bancheur", "Coffreuse-bancheuse")),
        (
            "Agent / Agente de propreté de locaux",
            ("Agent de propreté de locaux", "Agente de propreté de locaux"),
        ),
        (
            "Accompagnateur formateur / Accompagnatrice formatrice technique",
            ("Accompagnateur formateur technique", "Accompagnatrice formatrice technique"),
        ),
        ("Artiste Plasticien / Plasticienne", ("Artiste Plasticien", "Artiste Plasticienne")),
        (
            "Aide ménager / Aide ménagère à domicile",
            ("Aide ménager à domicile", "Aide ménagère à domicile"),
        ),
        (
            "Conducteur convoyeur / Conductrice convoyeuse de véhicule",
            ("Conducteur convoyeur de véhicule", "Conductrice convoyeuse de véhicule"),
        ),
        ("Acteur / Actrice de complément", ("Acteur de complément", "Actrice de complément")),
    ],
)
def test_a_gendered_label_splits_into_its_masculine_and_feminine_forms(
    label: str, forms: tuple[str, ...]
) -> None:
    assert gendered_forms(label) == forms


@pytest.mark.parametrize(
    ("label", "forms"),
    [
        ("Homme / Femme d'entretien", ("Homme d'entretien", "Femme d'entretien")),
        ("Steward / Hôtesse de l'air", ("Steward de l'air", "Hôtesse de l'air")),
        ("Layout man / Layout woman", ("Layout man", "Layout woman")),
        (
            "Premier valet / Première femme de chambre",
            ("Premier valet de chambre", "Première femme de chambre"),
        ),
    ],
)
def test_pairs_that_share_no_stem_are_still_split_as_genders(
    label: str, forms: tuple[str, ...]
) -> None:
    assert gendered_forms(label) == forms


def test_two_names_of_one_trade_stay_whole() -> None:
    assert gendered_forms("Sound designer / Designer sonore") == (
        "Sound designer",
        "Designer sonore",
    )
    assert gendered_forms("Lapidaire / Diamantaire") == ("Lapidaire", "Diamantaire")


@pytest.mark.parametrize(
    "label",
    ["Plaquiste", "Analyste biologie/microbiologie en industrie", "Manœuvre du BTP"],
)
def test_a_label_without_spaced_slash_is_a_single_form(label: str) -> None:
    assert gendered_forms(label) == (label,)


def test_a_slash_inside_a_word_is_kept_in_both_forms() -> None:
    assert gendered_forms("Chef / Cheffe de service infrastructure/environnement") == (
        "Chef de service infrastructure/environnement",
        "Cheffe de service infrastructure/environnement",
    )


def test_feminine_and_masculine_spellings_without_accents_compare_equal() -> None:
    assert normalise("Maçonne") == normalise("maconne") == "maconne"
    assert normalise("ÉLECTRICIENNE") == normalise("electricienne")


def test_normalise_folds_ligatures_and_collapses_punctuation() -> None:
    assert normalise("Manœuvre  du B.T.P.") == "manoeuvre du b t p"
    assert normalise("Coffreur-bancheur / Coffreuse-bancheuse") == (
        "coffreur bancheur coffreuse bancheuse"
    )
    assert normalise("L'Union") == normalise("l union")
    assert normalise("  ") == ""
