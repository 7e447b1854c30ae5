"""The trame of the diagnostic: a data file checked at load; answers read from its form; only the
minimum contract's fields published from them; trades suggested from the ROME."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.candidate_profile.adapters.trame_files import (
    DEFAULT_DIRECTORY,
    TrameError,
    load_catalog,
)
from services.candidate_profile.domain import answers as form_answers
from services.candidate_profile.domain.metiers import suggest
from services.candidate_profile.domain.prefill import to_form
from services.candidate_profile.domain.publication import published_fields
from services.candidate_profile.domain.trame import Trame
from shared.referential.fixtures import fixture_paths
from shared.referential.lookup import snapshot_from_files
from shared.referential.snapshot import Snapshot
from shared.screening import screen_items

CONTRACT_FIELDS = {
    "desired_jobs", "experience", "skills", "commune_insee", "mobility_km",
    "has_driving_licence", "unavailable_schedules", "available_from",
}  # fmt: skip


@pytest.fixture(scope="module")
def referential() -> Snapshot:
    return snapshot_from_files(*fixture_paths())


@pytest.fixture(scope="module")
def trame() -> Trame:
    return load_catalog().current


def shipped() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEFAULT_DIRECTORY / "trame-v1.json").read_text())
    return data


def write(directory: Path, data: dict[str, Any], name: str = "trame-v1.json") -> None:
    (directory / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def question(data: dict[str, Any], qid: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        q for s in data["sections"] for q in s["questions"] if q["id"] == qid
    )
    return found


def test_the_shipped_trame_has_the_six_sections_and_the_grille_des_potentialites(
    trame: Trame,
) -> None:
    assert [s.id for s in trame.sections] == [
        "situation", "parcours", "competences", "projet", "contraintes", "freins",
    ]  # fmt: skip
    grille = trame.question("potentialites")
    assert grille is not None and grille.kind == "checklist"
    assert {"organisation_foyer", "budget", "soin_personnes", "benevolat"} <= {
        o.value for o in grille.options
    }
    freins = [q.id for q in trame.sections[-1].questions]
    assert all(trame.question(f).kind == "level" for f in freins)  # type: ignore[union-attr]


def test_a_copy_of_the_shipped_trame_loads_from_another_folder(tmp_path: Path) -> None:
    write(tmp_path, shipped())  # the control of the tests below: the same file, unbroken
    assert load_catalog(tmp_path).current.version == 1


def test_a_choice_without_options_stops_loading_with_the_file_and_question_named(
    tmp_path: Path,
) -> None:
    data = shipped()
    question(data, "orientation")["options"] = []
    write(tmp_path, data)
    with pytest.raises(TrameError) as caught:
        load_catalog(tmp_path)
    message = str(caught.value)
    assert "trame-v1.json" in message
    assert "question 'orientation'" in message and "needs options" in message


def test_a_file_that_is_not_json_is_refused_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "trame-v1.json").write_text('{"version": 1,\n "title": }', encoding="utf-8")
    with pytest.raises(TrameError, match=r"trame-v1\.json: not valid JSON \(line 2"):
        load_catalog(tmp_path)


def test_the_public_category_or_a_frein_cannot_be_published(tmp_path: Path) -> None:
    data = shipped()
    question(data, "frein_sante")["publish_as"] = "health"
    write(tmp_path, data)
    with pytest.raises(TrameError, match="'health' is not a field of the published profile"):
        load_catalog(tmp_path)


def test_a_question_cannot_publish_a_field_its_kind_does_not_fit(tmp_path: Path) -> None:
    data = shipped()
    question(data, "public")["publish_as"] = "skills"  # the public category as "skills"
    write(tmp_path, data)
    with pytest.raises(TrameError, match="a 'multi-choice' question cannot feed 'skills'"):
        load_catalog(tmp_path)


def test_a_trame_that_no_longer_asks_for_a_trade_is_refused(tmp_path: Path) -> None:
    data = shipped()
    question(data, "metiers_recherches")["required"] = False
    write(tmp_path, data)
    with pytest.raises(TrameError, match="no required question publishes 'desired_jobs'"):
        load_catalog(tmp_path)


def test_two_questions_with_one_id_are_refused(tmp_path: Path) -> None:
    data = shipped()
    question(data, "diplomes")["id"] = "formations"
    write(tmp_path, data)
    with pytest.raises(TrameError, match="question ids used twice: formations"):
        load_catalog(tmp_path)


def test_a_file_whose_name_and_version_disagree_is_refused(tmp_path: Path) -> None:
    write(tmp_path, shipped(), name="trame-v2.json")
    with pytest.raises(TrameError, match="declares version 1"):
        load_catalog(tmp_path)


def test_the_latest_version_is_the_current_one_and_older_ones_stay(tmp_path: Path) -> None:
    write(tmp_path, shipped())
    write(tmp_path, shipped() | {"version": 2}, name="trame-v2.json")
    catalog = load_catalog(tmp_path)
    assert catalog.current.version == 2
    assert catalog.get(1) is not None and catalog.get(3) is None


FORM = {
    "public": ["rsa", "parent_moins_3_ans"],
    "experiences": ["Deux ans de ménage en entreprise."],
    "diplomes": ["CAP petite enfance"],
    "savoir_faire": ["Entretenir des locaux\r\nTrier des déchets"],
    "potentialites": ["budget", "benevolat"],
    "potentialites-budget-note": ["élève seule ses trois enfants avec le RSA"],
    "metiers_recherches-1": ["Agent / Agente de propreté de locaux"],
    "metiers_recherches-2": [""],
    "commune": ["Muret"],
    "mobilite_km": ["15"],
    "permis": ["non"],
    "horaires_impossibles": ["early_morning", "night"],
    "disponible_le": ["2027-01-04"],
    "frein_sante": ["important"],
    "frein_sante-note": ["diabète, suivi à l'hôpital"],
    "frein_garde_enfants": ["leger"],
}


def test_answers_are_read_from_the_form_and_shown_back_the_same(
    trame: Trame, referential: Snapshot
) -> None:
    answers, errors = form_answers.read(trame, FORM, referential)
    assert errors == {}
    assert answers["commune"] == "31395"
    assert answers["potentialites"] == {
        "budget": "élève seule ses trois enfants avec le RSA",
        "benevolat": "",
    }
    assert answers["frein_sante"] == {"level": "important", "note": "diabète, suivi à l'hôpital"}
    again = to_form(trame, answers, referential)
    assert again["commune"] == ["Muret (31395)"]
    assert form_answers.read(trame, again, referential) == (answers, {})


def test_each_bad_answer_is_named_by_its_field_with_what_to_do(
    trame: Trame, referential: Snapshot
) -> None:
    form = FORM | {
        "metiers_recherches-1": [""],
        "commune": ["Atlantis"],
        "mobilite_km": ["loin"],
        "disponible_le": ["demain"],
        "potentialites-cuisine-note": ["repas de fête"],
    }
    _, errors = form_answers.read(trame, form, referential)
    assert set(errors) == {
        "metiers_recherches-1", "commune", "mobilite_km", "disponible_le",
        "potentialites-cuisine-note",
    }  # fmt: skip
    assert "code INSEE" in errors["commune"]
    assert "indiquez un nombre" in errors["mobilite_km"]
    assert "cochez la case" in errors["potentialites-cuisine-note"]


def test_a_commune_is_found_by_its_code_as_well_as_its_name(
    trame: Trame, referential: Snapshot
) -> None:
    by_code, _ = form_answers.read(trame, FORM | {"commune": ["31395"]}, referential)
    by_label, _ = form_answers.read(trame, FORM | {"commune": ["Muret (31395)"]}, referential)
    assert by_code["commune"] == by_label["commune"] == "31395"


def test_only_the_contract_fields_are_published_never_the_situation_or_the_freins(
    trame: Trame, referential: Snapshot
) -> None:
    answers, _ = form_answers.read(trame, FORM, referential)
    published = published_fields(trame, answers)
    assert set(published) == CONTRACT_FIELDS
    # The potentialité goes, as its skill phrase (the positive control)...
    assert "Gérer un budget et suivre des dépenses" in published["skills"]
    assert published["unavailable_schedules"] == ["early_morning", "night"]
    assert published["commune_insee"] == "31395" and published["mobility_km"] == 15
    # ...its note, the public category and the freins do not.
    text = json.dumps(published, default=str, ensure_ascii=False).lower()
    for kept in ("rsa", "enfants", "parent", "diabète", "hôpital", "important", "leger"):
        assert kept not in text


def test_every_skill_of_the_grille_survives_the_screening_of_published_text(
    trame: Trame,
) -> None:
    grille = trame.question("potentialites")
    assert grille is not None
    phrases = [o.skill for o in grille.options if o.skill]
    kept, removed = screen_items("skills", phrases)
    assert removed == [] and kept == phrases


def test_trades_are_suggested_from_the_rome_as_typed_with_both_forms(
    referential: Snapshot,
) -> None:
    found = suggest(referential, "maçonn")
    assert found[0].libelle == "Maçon / Maçonne" and found[0].code_rome == "F1703"
    assert suggest(referential, "aide soig")[0].code_rome == "J1501"
    assert suggest(referential, "m") == []
