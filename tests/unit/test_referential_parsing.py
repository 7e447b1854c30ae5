"""Parsing the exports: the fixture reads like the official files; a broken file names file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from shared.referential.communes import parse_communes
from shared.referential.errors import ReferentialFileError
from shared.referential.fixtures import fixture_paths
from shared.referential.rome import parse_rome
from shared.referential.rome_files import locate

APPELLATIONS = "unix_referentiel_appellation_v000_utf8.csv"


@pytest.fixture
def rome_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture export, to break one file at a time."""
    return Path(shutil.copytree(fixture_paths().rome_dir, tmp_path / "rome"))


def _cut_in_line(path: Path, line: int, *, keep: int | None = None) -> None:
    """Truncate `path` inside line `line` (1-based), keeping `keep` bytes of it, or half."""
    data = path.read_bytes()
    lines = data.split(b"\n")
    start = sum(len(x) + 1 for x in lines[: line - 1])
    path.write_bytes(data[: start + (len(lines[line - 1]) // 2 if keep is None else keep)])


def _replace_in_line(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_the_fixture_parses_like_an_official_export() -> None:
    data = parse_rome(locate(fixture_paths().rome_dir))
    assert data.version == "fixture-1"
    assert len(data.fiches) >= 40
    codes = {f.code_rome for f in data.fiches}
    assert {"F1703", "F1701", "K2204", "J1501", "N1103", "D1505", "A1203", "M1607"} <= codes
    assert all(a.code_rome in codes for a in data.appellations)
    assert all(len(a.formes) in (1, 2) for a in data.appellations)
    assert sum(a.principale for a in data.appellations) == len(data.fiches)
    assert {m.code_rome_cible for m in data.mobilities} <= codes


def test_the_commune_sample_holds_haute_garonne_communes() -> None:
    communes = {c.code_insee: c for c in parse_communes(fixture_paths().communes_file)}
    assert len(communes) >= 40
    assert all(code.startswith("31") for code in communes)
    assert communes["31555"].codes_postaux[0] == "31000"
    assert communes["31042"].nom == "Bagnères-de-Luchon"


def test_a_line_cut_inside_a_quoted_field_is_reported_with_its_line(rome_copy: Path) -> None:
    _cut_in_line(rome_copy / APPELLATIONS, 40)
    with pytest.raises(ReferentialFileError) as caught:
        parse_rome(locate(rome_copy))
    assert (caught.value.file, caught.value.line) == (APPELLATIONS, 40)
    assert str(caught.value).startswith(f"{rome_copy / APPELLATIONS}:40: ")


def test_a_line_cut_after_a_comma_lacks_fields(rome_copy: Path) -> None:
    path = rome_copy / APPELLATIONS
    first_field = path.read_bytes().split(b"\n")[11].index(b",") + 1
    _cut_in_line(path, 12, keep=first_field)
    with pytest.raises(ReferentialFileError, match="field") as caught:
        parse_rome(locate(rome_copy))
    assert caught.value.line == 12


def test_a_file_that_is_not_utf8_is_refused_at_the_first_bad_line(rome_copy: Path) -> None:
    path = rome_copy / APPELLATIONS
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    first_accent = next(
        n for n, line in enumerate(path.read_bytes().split(b"\n"), 1) if max(line) > 127
    )
    with pytest.raises(ReferentialFileError, match="UTF-8") as caught:
        parse_rome(locate(rome_copy))
    assert caught.value.line == first_accent


def test_a_missing_column_is_reported_on_the_header_line(rome_copy: Path) -> None:
    _replace_in_line(rome_copy / APPELLATIONS, 1, '"code_rome",', '"rome",')
    with pytest.raises(ReferentialFileError, match="code_rome") as caught:
        parse_rome(locate(rome_copy))
    assert caught.value.line == 1


def test_an_appellation_of_an_unknown_fiche_is_refused(rome_copy: Path) -> None:
    path = rome_copy / APPELLATIONS
    code = path.read_text(encoding="utf-8").split("\n")[6].split(",")[3]
    _replace_in_line(path, 7, code, '"Z9999"')
    with pytest.raises(ReferentialFileError, match="Z9999") as caught:
        parse_rome(locate(rome_copy))
    assert (caught.value.file, caught.value.line) == (APPELLATIONS, 7)


def test_a_mobility_to_an_unknown_fiche_is_refused(rome_copy: Path) -> None:
    path = rome_copy / "unix_rubrique_mobilite_v000_utf8.csv"
    _replace_in_line(path, 3, '"F1704"', '"F9999"')
    with pytest.raises(ReferentialFileError, match="F9999") as caught:
        parse_rome(locate(rome_copy))
    assert (caught.value.file, caught.value.line) == (path.name, 3)


def test_a_missing_file_is_named(rome_copy: Path) -> None:
    (rome_copy / "unix_rubrique_mobilite_v000_utf8.csv").unlink()
    with pytest.raises(ReferentialFileError, match=r"rubrique_mobilite.*missing file"):
        locate(rome_copy)


def test_a_broken_commune_line_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "communes.csv"
    lines = fixture_paths().communes_file.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(".", ",", 1)  # a decimal comma shifts the columns
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ReferentialFileError) as caught:
        parse_communes(path)
    assert (caught.value.file, caught.value.line) == ("communes.csv", 6)


def test_a_commune_file_cut_inside_its_last_number_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "communes.csv"
    text = fixture_paths().communes_file.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n")[:-2], encoding="utf-8")  # "1.2340" becomes "1.23"
    with pytest.raises(ReferentialFileError, match="truncated") as caught:
        parse_communes(path)
    assert caught.value.line == len(text.splitlines())
