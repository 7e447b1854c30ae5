"""An action is checked like a federation's need: each wrong field says what to do, in French."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.actions.domain.catalogue import (
    ActionInput,
    Invalid,
    SessionInput,
    check_action,
    check_session,
)
from services.actions.domain.search import Criteria, read_search
from shared.contracts.actions import ActionKind, Public
from shared.contracts.common import Schedule
from shared.referential.fixtures import fixture_paths
from shared.referential.lookup import snapshot_from_files
from shared.referential.snapshot import Snapshot

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def referential() -> Snapshot:
    return snapshot_from_files(*fixture_paths())


def good(**changes: object) -> ActionInput:
    fields: dict[str, object] = {
        "kind": "decouverte_metiers",
        "title": "Découvrir les métiers du BTP",
        "trades": ("F1703",),
        "publics": ("tous",),
        "commune": "31555",
    }
    return ActionInput(**(fields | changes))  # type: ignore[arg-type]


def errors_of(given: ActionInput, referential: Snapshot) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        check_action(given, referential)
    return caught.value.errors


def test_a_complete_action_is_accepted_with_its_trades_publics_and_place(
    referential: Snapshot,
) -> None:
    draft = check_action(good(publics=("Tous publics", "jeunes")), referential)
    assert draft.kind is ActionKind.DECOUVERTE
    assert draft.rome_codes == ("F1703",)
    assert draft.publics == (Public.TOUS, Public.JEUNES)
    assert draft.commune_insee == "31555" and not draft.remote


def test_a_trade_typed_as_words_is_read_into_its_rome_code_whatever_its_gender(
    referential: Snapshot,
) -> None:
    for written in ("Maçonne", "maçon", "Maçon / Maçonne"):
        assert check_action(good(trades=(written,)), referential).rome_codes == ("F1703",)


def test_an_unknown_trade_is_refused_with_trades_it_could_mean(referential: Snapshot) -> None:
    errors = errors_of(good(trades=("maço",)), referential)
    assert "n'est pas un métier du répertoire ROME" in errors["rome_codes"]
    assert "F1703" in errors["rome_codes"]  # "Maçon / Maçonne" is offered
    assert "rome_codes" in errors_of(good(trades=("Z9999",)), referential)


def test_each_wrong_field_has_its_own_error_in_french(referential: Snapshot) -> None:
    errors = errors_of(
        good(kind="soirée", title="  ", publics=(), commune="Atlantide"), referential
    )
    assert set(errors) == {"kind", "title", "publics", "commune_insee"}
    assert errors["publics"].startswith("Cochez au moins un public")
    assert "Muret (31395)" in errors["commune_insee"]


def test_an_action_is_held_in_a_known_commune_or_at_a_distance(referential: Snapshot) -> None:
    assert "commune_insee" in errors_of(good(commune=""), referential)
    remote = check_action(good(commune="", remote=True), referential)
    assert remote.remote and remote.commune_insee is None
    assert check_action(good(commune="Muret (31395)"), referential).commune_insee == "31395"


def test_a_session_starts_in_the_future_ends_after_and_has_1_to_10000_places() -> None:
    start = NOW + timedelta(days=3)
    ok = check_session(SessionInput(start, start + timedelta(hours=3), "12", ("day",)), NOW)
    assert ok.capacity == 12 and ok.schedules == (Schedule.DAY,)
    with pytest.raises(Invalid) as caught:
        check_session(SessionInput(NOW - timedelta(hours=1), NOW - timedelta(hours=2), 0), NOW)
    assert set(caught.value.errors) == {"starts_at", "ends_at", "capacity"}
    with pytest.raises(Invalid) as caught:
        check_session(SessionInput(start, start + timedelta(hours=1), 10_001, ("lunch",)), NOW)
    assert set(caught.value.errors) == {"capacity", "schedules"}


def test_a_search_reads_a_commune_and_radius_into_the_communes_within_it(
    referential: Snapshot,
) -> None:
    near = read_search(Criteria(commune="Toulouse (31555)", km="5"), referential, NOW)
    wide = read_search(Criteria(commune="Toulouse (31555)", km="20"), referential, NOW)
    assert near.communes is not None and wide.communes is not None
    assert "31555" in near.communes and "31149" not in near.communes  # Colomiers, ~9 km
    assert "31149" in wide.communes and "31483" not in wide.communes  # Saint-Gaudens, ~80 km


def test_a_search_for_words_looks_for_every_trade_they_start() -> None:
    referential = snapshot_from_files(*fixture_paths())
    assert "F1703" in (read_search(Criteria(trade="maço"), referential, NOW).rome_codes or ())
    with pytest.raises(Invalid) as caught:
        read_search(Criteria(trade="zzzz", commune="Atlantide", km="900"), referential, NOW)
    assert set(caught.value.errors) == {"trade", "commune", "km"}
