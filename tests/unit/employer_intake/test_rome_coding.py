"""A need without a ROME code gets the right trade, whatever the gender or number of its title."""

from __future__ import annotations

import pytest

from services.employer_intake.domain.model import NeedFields
from services.employer_intake.domain.preparation import prepare
from services.employer_intake.domain.rome_coding import RomeSuggester, stem
from shared.referential.snapshot import Snapshot


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Maçon", "F1703"),
        ("Maçonne", "F1703"),
        ("Maçon / Maçonne H/F", "F1703"),
        ("MAÇONNES", "F1703"),
        ("Coffreuse bancheuse", "F1701"),
        ("Aide-soignante en EHPAD", "J1501"),
        ("Serveuse", "G1803"),
        ("Cariste F/H", "N1101"),
        ("Chauffeur PL", "N4101"),
        ("Conductrice de poids lourd", "N4101"),
        ("Électricienne du bâtiment", "F1602"),
        ("Plaquiste", "F1604"),
    ],
)
def test_the_title_alone_finds_the_trade(suggester: RomeSuggester, title: str, code: str) -> None:
    best = suggester.suggest(title)[0]
    assert best.rome_code == code
    assert best.confidence >= 0.6


def test_feminine_and_masculine_titles_get_the_same_code_and_confidence(
    suggester: RomeSuggester,
) -> None:
    assert suggester.suggest("Maçonne")[0] == suggester.suggest("Maçon")[0]


def test_the_description_breaks_a_tie_between_trades(suggester: RomeSuggester) -> None:
    plain = suggester.suggest("Cuisinier")
    in_ehpad = suggester.suggest("Cuisinier", "Cuisine de collectivité en EHPAD")
    assert plain[0].rome_code == "G1609"
    assert in_ehpad[0].rome_code == "G1606"


def test_a_typo_still_finds_the_trade_with_a_lower_confidence(suggester: RomeSuggester) -> None:
    best = suggester.suggest("Carreleurr")[0]
    assert best.rome_code == "F1608"
    assert best.confidence < suggester.suggest("Carreleur")[0].confidence


def test_at_most_five_distinct_codes_best_first(suggester: RomeSuggester) -> None:
    found = suggester.suggest("Agent d'entretien")
    assert 1 < len(found) <= 5
    assert len({a.rome_code for a in found}) == len(found)
    assert [a.confidence for a in found] == sorted((a.confidence for a in found), reverse=True)


def test_a_title_with_no_known_word_gets_no_code(suggester: RomeSuggester) -> None:
    assert suggester.suggest("Zxqv wyk") == []


def test_stemming_folds_feminine_and_plural_forms() -> None:
    assert {stem(w) for w in ("maconne", "macons", "macon")} == {"macon"}
    assert stem("conductrice") == stem("conducteur")
    assert stem("serveuse") == stem("serveur")


def _need(**kw: object) -> NeedFields:
    base = {
        "employer_name": "Bâtir Garonne",
        "title": "Maçonne",
        "commune_insee": "31395",
        "contract_type": "CDD",
        "hours_per_week": 35,
    }
    return NeedFields.model_validate({**base, **kw})


def test_a_given_code_is_kept_with_its_label_and_no_confidence(
    snapshot: Snapshot, suggester: RomeSuggester
) -> None:
    prepared = prepare(_need(rome_code="F1701"), snapshot=snapshot, suggester=suggester)
    assert prepared.coding.rome_source == "given"
    assert (prepared.coding.rome_code, prepared.coding.rome_confidence) == ("F1701", None)
    assert prepared.coding.rome_label == "Coffreur / Coffreuse"


def test_a_suggested_code_comes_with_its_alternatives(
    snapshot: Snapshot, suggester: RomeSuggester
) -> None:
    prepared = prepare(_need(), snapshot=snapshot, suggester=suggester)
    assert prepared.coding.rome_source == "suggested"
    assert prepared.coding.rome_code == "F1703"
    assert prepared.coding.alternatives[0].rome_code == "F1703"
    assert (
        prepared.payload_fields()["rome_confidence"] == prepared.coding.alternatives[0].confidence
    )
