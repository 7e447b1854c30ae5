"""The in-memory read side, built without a database from plain rows or the fixture files."""

from __future__ import annotations

import dataclasses

import pytest

from shared.referential.errors import UnknownCommune
from shared.referential.fixtures import fixture_paths
from shared.referential.geo import haversine_km
from shared.referential.lookup import Snapshot, snapshot_from_files
from shared.referential.model import Appellation, Commune, Fiche, FicheSkill, Mobility, Skill


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return snapshot_from_files(*fixture_paths())


def test_toulouse_to_saint_gaudens_is_about_eighty_km_between_centres(snapshot: Snapshot) -> None:
    assert 75 < snapshot.distance_km("31555", "31483") < 90


def test_distance_is_symmetric_and_zero_to_itself(snapshot: Snapshot) -> None:
    there = snapshot.distance_km("31555", "31069")
    assert there == pytest.approx(snapshot.distance_km("31069", "31555"))
    assert 3 < there < 10  # Blagnac borders Toulouse
    assert snapshot.distance_km("31555", "31555") == 0


def test_haversine_matches_a_known_distance() -> None:
    # One degree of latitude on the mean sphere is 111.2 km.
    assert haversine_km(43.0, 1.0, 44.0, 1.0) == pytest.approx(111.19, abs=0.01)


def test_an_unknown_commune_is_a_domain_error(snapshot: Snapshot) -> None:
    assert not snapshot.has_commune("99999")
    assert snapshot.commune("99999") is None
    with pytest.raises(UnknownCommune, match="99999"):
        snapshot.distance_km("31555", "99999")


def test_a_commune_keeps_its_name_and_postal_codes(snapshot: Snapshot) -> None:
    toulouse = snapshot.commune("31555")
    assert toulouse is not None
    assert toulouse.nom == "Toulouse"
    assert "31400" in toulouse.codes_postaux


def test_both_forms_of_a_trade_find_the_same_appellation(snapshot: Snapshot) -> None:
    feminine = snapshot.appellations_named("maconne")
    assert {a.code_rome for a in feminine} == {"F1703"}
    assert feminine == snapshot.appellations_named("Maçon")
    assert snapshot.appellations_named("Maçon / Maçonne") == feminine


def test_a_fiche_lists_its_appellations_skills_and_mobilities_in_order(
    snapshot: Snapshot,
) -> None:
    fiche = snapshot.fiche("F1703")
    assert fiche is not None and fiche.formes == ("Maçon", "Maçonne")
    assert fiche.code_domaine == "F17"
    assert any(a.principale for a in snapshot.appellations_of("F1703"))
    assert snapshot.mobilities("F1703") == ("F1701", "F1704", "I1203")
    kinds = {s.kind for s in snapshot.skills("F1703")}
    assert kinds == {"savoir_faire", "savoir_etre", "savoir"}
    assert all(s.kind == "savoir" for s in snapshot.skills("F1703", "savoir"))
    assert snapshot.mobilities("Z9999") == () and snapshot.fiche("Z9999") is None


def test_a_snapshot_built_from_plain_rows_needs_no_files() -> None:
    snapshot = Snapshot.build(
        fiches=[Fiche("F1703", "1", "Maçon / Maçonne", ("Maçon", "Maçonne"))],
        appellations=[Appellation("2", "F1703", "Maçon / Maçonne", "Maçon", ("Maçon", "Maçonne"))],
        skills=[Skill("3", "Monter des murs", "Savoir-faire")],
        fiche_skills=[FicheSkill("F1703", "3", "savoir_faire")],
        mobilities=[Mobility("F1703", "F1704", 2), Mobility("F1703", "F1701", 1)],
        communes=[Commune("31555", "Toulouse", ("31000",), None, 43.6, 1.44)],
        versions={"rome": "test"},
    )
    assert snapshot.mobilities("F1703") == ("F1701", "F1704")
    assert snapshot.skills("F1703")[0].libelle == "Monter des murs"
    assert snapshot.version_tag == "rome=test"


def test_the_snapshot_cannot_be_changed(snapshot: Snapshot) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        snapshot.fiches = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        snapshot.communes["31000"] = snapshot.communes["31555"]  # type: ignore[index]
