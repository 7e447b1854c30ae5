"""The coordination view's tables from raw counts, and their CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from services.actions.domain.coordination import CSV_COLUMNS, Table, csv_text, render
from services.actions.domain.coordination_tables import (
    FollowUpRow,
    OfferRow,
    PublicRow,
    Raw,
    TradeRow,
    figures_of,
)
from services.actions.domain.period import Period, PeriodError, last_twelve_months, period_of


def _raw(**changes: object) -> Raw:
    base: dict[str, object] = {
        "offer": [
            OfferRow("formation", "AFPA", actions=6, sessions=8, capacity=80, taken=60),
            OfferRow("atelier", "AFPA", actions=2, sessions=2, capacity=20, taken=9),
            OfferRow("formation", "CREPI", actions=5, sessions=5, capacity=50, taken=41),
        ],
        "publics": [
            PublicRow("50_ans_et_plus", placed=30, present=20, absent=6, waiting=3),
            PublicRow("parents_jeunes_enfants", placed=12, present=3, absent=1, waiting=0),
            PublicRow("tous", placed=68, present=40, absent=10, waiting=7),
            PublicRow(None, placed=110, present=63, absent=17, waiting=10),
        ],
        "proposals": {False: 40, True: 25},
        "follow_ups": [
            FollowUpRow(False, "inscrit", None, 12),
            FollowUpRow(True, "inscrit", None, 7),
            FollowUpRow(False, "pas_pertinent", "trop_loin", 6),
            FollowUpRow(True, "pas_pertinent", "pas_interesse", 3),
            FollowUpRow(True, "pas_pertinent", "deja_fait", 5),
        ],
        "trades": [
            TradeRow("F1703", proposed=9, registered=5, matched=3, hired=1),
            TradeRow("N1103", proposed=14, registered=6, matched=6, hired=5),
        ],
    }
    return Raw(**(base | changes))  # type: ignore[arg-type]


def _tables(raw: Raw) -> dict[str, Table]:
    labels = {"F1703": "Maçon / Maçonne (F1703)"}
    return {t.slug: t for t in render(figures_of(raw, lambda c: labels.get(c, c)))}


def _row(table: Table, label: str) -> dict[str, str]:
    line = next(ln for ln in table.lines if ln.label == label)
    return dict(zip(table.columns, line.cells, strict=True))


def test_actions_by_kind_show_places_and_fill_rate_with_a_total() -> None:
    kinds = _tables(_raw())["par-type"]
    assert _row(kinds, "Formation") == {
        "Actions": "11",
        "Sessions": "13",
        "Places offertes": "130",
        "Places prises": "101",
        "Taux de remplissage": "78 %",
    }
    # 2 ateliers: masked; so is the grand total of actions (13 - 11 would give the 2 back).
    assert _row(kinds, "Atelier")["Actions"] == "moins de 5"
    assert _row(kinds, "Ensemble")["Actions"] == "masqué"
    assert _row(kinds, "Ensemble")["Places prises"] == "110"
    assert _row(kinds, "Webinaire")["Actions"] == "0"  # every kind is listed


def test_the_grand_total_masked_by_kind_is_masked_by_provider_too() -> None:
    providers = _tables(_raw())["par-structure"]
    assert [ln.label for ln in providers.lines] == ["AFPA", "CREPI", "Ensemble"]
    assert _row(providers, "Ensemble")["Actions"] == "masqué"
    # and one provider, else AFPA + CREPI would give the grand total, then the 2 ateliers.
    assert "masqué" in (_row(providers, "AFPA")["Actions"], _row(providers, "CREPI")["Actions"])


def test_attendance_by_public_masks_small_counts_and_rates_on_them() -> None:
    publics = _tables(_raw())["par-public"]
    assert _row(publics, "50 ans et plus") == {
        "Inscriptions": "30",
        "Présents": "20",
        "Absents": "6",
        "Taux de présence": "77 %",
        "Liste d'attente": "moins de 5",
    }
    parents = _row(publics, "Parents de jeunes enfants")
    assert parents["Présents"] == "moins de 5" and parents["Taux de présence"] == "—"
    assert parents["Liste d'attente"] == "0"
    everyone = _row(publics, "Toutes actions")
    # The parents' 3 are the only masked count of their column: its total is masked too.
    assert everyone["Présents"] == "masqué" and everyone["Taux de présence"] == "—"
    assert everyone["Inscriptions"] == "110"  # the control: no small count in that column


def test_proposals_and_follow_ups_split_wish_and_discovery() -> None:
    tables = _tables(_raw())
    assert _row(tables["propositions"], "Souhait") == {
        "Propositions": "40",
        "Suite : inscrit": "12",
        "Suite : pas pertinent": "6",
        "Part inscrite": "30 %",
    }
    assert _row(tables["propositions"], "Ensemble")["Propositions"] == "65"
    reasons = tables["raisons"]
    assert _row(reasons, "Pas intéressée ou pas intéressé")["Découverte"] == "moins de 5"
    assert _row(reasons, "Trop loin") == {"Souhait": "6", "Découverte": "0", "Ensemble": "6"}
    # 3 "pas intéressé" alone in the discovery column: its total (8) is masked, and with it
    # the line "pas pertinent" of the proposals table, which is the same figure.
    assert _row(reasons, "Pas pertinent, toutes raisons")["Découverte"] == "masqué"
    assert _row(tables["propositions"], "Découverte")["Suite : pas pertinent"] == "masqué"


def test_trades_discovered_are_listed_with_their_label_most_proposed_first() -> None:
    trades = _tables(_raw())["metiers"]
    assert [ln.label for ln in trades.lines] == ["N1103", "Maçon / Maçonne (F1703)"]
    assert trades.lines[1].cells == ("9", "5", "moins de 5", "moins de 5")
    assert trades.lines[0].cells == ("14", "6", "6", "5")


def test_the_csv_has_one_french_header_a_bom_semicolons_and_the_page_strings() -> None:
    tables = render(figures_of(_raw(), str))
    text = csv_text(date(2026, 1, 1), date(2026, 12, 31), tables)
    assert text.startswith("\ufeffDu;Au;Tableau;Ligne;Indicateur;Valeur\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [
        "01/01/2026",
        "31/12/2026",
        "Actions par type",
        "Atelier",
        "Actions",
        "moins de 5",
    ] in rows
    assert sum(len(t.lines) * len(t.columns) for t in tables) == len(rows) - 1
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_a_provider_named_like_a_formula_is_exported_as_text() -> None:
    raw = _raw(offer=[OfferRow("atelier", "=HYPERLINK(1)", 6, 6, 60, 30)])
    text = csv_text(date(2026, 1, 1), date(2026, 1, 31), render(figures_of(raw, str)))
    assert ";'=HYPERLINK(1);" in text and ";=HYPERLINK" not in text


def test_the_default_period_is_the_last_twelve_months() -> None:
    assert last_twelve_months(date(2026, 12, 7)) == Period(date(2025, 12, 8), date(2026, 12, 7))
    assert last_twelve_months(date(2028, 2, 29)).start == date(2027, 3, 1)
    assert period_of("", None, today=date(2026, 12, 7)).start == date(2025, 12, 8)
    assert period_of("2026-03-01", "2026-03-31", today=date(2026, 12, 7)) == Period(
        date(2026, 3, 1), date(2026, 3, 31)
    )


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("2026-13-01", None, "du"), ("2026-03-31", "2026-03-01", "au"), ("1990-01-01", None, "du")],
)
def test_a_period_that_cannot_be_counted_names_the_field_to_fix(
    start: str, end: str | None, field: str
) -> None:
    with pytest.raises(PeriodError) as error:
        period_of(start, end, today=date(2026, 12, 7))
    assert error.value.field == field
