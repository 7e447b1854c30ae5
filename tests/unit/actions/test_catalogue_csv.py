"""A partner's catalogue file: one line per session, every error with its line and column."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.actions.domain.catalogue_csv import (
    MAX_LINES,
    FileRefused,
    LinesRefused,
    read_catalogue,
)
from shared.referential.fixtures import fixture_paths
from shared.referential.lookup import snapshot_from_files
from shared.referential.snapshot import Snapshot

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)
HEADER = (
    "reference;type;intitule;metiers;publics;commune;a_distance;date;heure_debut;heure_fin;places"
)
BTP = "BTP-1;decouverte_metiers;Découvrir le BTP;F1703|couvreuse;tous;31555;non"


@pytest.fixture(scope="module")
def referential() -> Snapshot:
    return snapshot_from_files(*fixture_paths())


def csv_of(*lines: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *lines]).encode()


def test_lines_sharing_a_reference_make_one_action_with_its_sessions(
    referential: Snapshot,
) -> None:
    body = csv_of(
        f"{BTP};12/01/2027;09:00;12:00;10",
        f"{BTP};19/01/2027;9h;12h;8",
        "WEB-2;Webinaire;Visio;;jeunes|50 ans et plus;;oui;2027-02-01;14:00;15:30;100",
    )
    actions = read_catalogue(b"\xef\xbb\xbf" + body, referential, NOW)  # a BOM is fine
    assert [a.reference for a in actions] == ["BTP-1", "WEB-2"]
    btp, web = actions
    assert [s.line for s in btp.sessions] == [2, 3]
    couvreuse = referential.appellations_named("couvreuse")[0].code_rome
    assert btp.action.rome_codes == ("F1703", couvreuse)
    assert [s.session.capacity for s in btp.sessions] == [10, 8]
    assert btp.sessions[0].session.starts_at.isoformat() == "2027-01-12T09:00:00+01:00"
    assert web.action.remote and web.action.commune_insee is None


def test_a_comma_separated_file_reads_the_same(referential: Snapshot) -> None:
    body = csv_of(
        'A,formation,"Formation coffrage, niveau 1",F1703,tous,Muret (31395),non,'
        "12/01/2027,09:00,17:00,6",
        header=HEADER.replace(";", ","),
    )
    (action,) = read_catalogue(body, referential, NOW)
    assert action.action.title == "Formation coffrage, niveau 1"
    assert action.action.commune_insee == "31395"


def test_every_bad_line_is_reported_with_its_number_and_column(referential: Snapshot) -> None:
    body = csv_of(
        "OK-1;atelier;CV;;tous;31555;non;12/01/2027;09:00;12:00;10",
        "BAD-1;soirée;CV;;tous;31555;non;12/01/2027;09:00;12:00;10",
        "BAD-2;atelier;CV;;tous;Atlantide;non;32/01/2027;09:00;12:00;10",
        "OK-1;atelier;CV autre;;tous;31555;non;13/01/2027;09:00;12:00;0",
    )
    with pytest.raises(LinesRefused) as caught:
        read_catalogue(body, referential, NOW)
    found = {(e.line, e.column) for e in caught.value.errors}
    assert found == {(3, "type"), (4, "commune"), (4, "date"), (5, "intitule"), (5, "places")}
    same_reference = next(e for e in caught.value.errors if e.column == "intitule")
    assert "diffère de la ligne 2" in same_reference.message


def test_line_numbers_count_the_lines_a_quoted_cell_spans(referential: Snapshot) -> None:
    body = csv_of(
        'A;atelier;CV;;tous;31555;non;12/01/2027;09:00;12:00;10;"deux\nlignes"',
        "B;atelier;CV;;tous;31555;non;12/01/2027;09:00;12:00;abc;",
        header=HEADER + ";description",
    )
    with pytest.raises(LinesRefused) as caught:
        read_catalogue(body, referential, NOW)
    assert [(e.line, e.column) for e in caught.value.errors] == [(4, "places")]


def test_a_wrong_header_a_non_utf8_file_or_too_many_lines_are_refused_whole(
    referential: Snapshot,
) -> None:
    with pytest.raises(FileRefused, match="colonnes manquantes : intitule") as caught:
        read_catalogue(b"reference;type;publics;date;heure_debut;heure_fin\n", referential, NOW)
    with pytest.raises(FileRefused, match="UTF-8"):
        read_catalogue(csv_of("A;atelier;Caf\xe9").replace(b"\xc3\xa9", b"\xe9"), referential, NOW)
    line = "A;atelier;CV;;tous;31555;non;12/01/2027;09:00;12:00;10"
    with pytest.raises(FileRefused, match=f"{MAX_LINES} au plus") as caught:
        read_catalogue(csv_of(*[line] * (MAX_LINES + 1)), referential, NOW)
    assert caught.value.status == 413


def test_an_action_holds_at_most_200_sessions_the_next_line_says_so(
    referential: Snapshot,
) -> None:
    lines = [
        f"A;atelier;CV;;tous;31555;non;{date(2027, 1, 1) + timedelta(days=i):%d/%m/%Y};9h;12h;5"
        for i in range(201)
    ]
    with pytest.raises(LinesRefused) as caught:
        read_catalogue(csv_of(*lines), referential, NOW)
    assert [(e.line, e.column) for e in caught.value.errors] == [(202, "date")]
    assert "au plus 200 séances" in caught.value.errors[0].message
