"""`rank-candidates` reads DOMAIN.md lines, ignores first names, and names a bad line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from services.matcher.__main__ import app
from shared.referential.fixtures import fixture_paths

NEED = {
    "need_id": "N1",
    "title": "Maçon / Maçonne",
    "commune_insee": "31395",
    "skills": ["lecture de plans"],
    "employer_name": "ignored",
}
CONSENT = {"granted_at": "2026-01-01", "expires_at": "2027-12-31"}
BASE = {
    "desired_jobs": ["Maçonne"],
    "commune_insee": "31555",
    "mobility_km": 30,
    "skills": ["lecture de plans"],
    "consent": CONSENT,
}


def run(tmp_path: Path, needs: list[dict], cands: list[dict]):  # type: ignore[no-untyped-def]
    (tmp_path / "n.jsonl").write_text("".join(json.dumps(n) + "\n" for n in needs))
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(c) + "\n" for c in cands))
    rome, communes = fixture_paths()
    return CliRunner().invoke(
        app,
        [
            "rank-candidates",
            "--needs",
            str(tmp_path / "n.jsonl"),
            "--candidates",
            str(tmp_path / "c.jsonl"),
            "--top-k",
            "5",
            "--as-of",
            "2026-11-27",
            "--embedder",
            "fake",
            "--rome-dir",
            str(rome),
            "--communes",
            str(communes),
            "--no-db",
        ],
    )


def test_one_json_line_per_need_with_compatible_candidates_only(tmp_path: Path) -> None:
    cands = [
        {**BASE, "candidate_id": "A", "first_name": "Léa"},
        {**BASE, "candidate_id": "B", "first_name": "Marc"},
        {**BASE, "candidate_id": "C", "consent": {**CONSENT, "withdrawn_at": "2026-06-01"}},
        {**BASE, "candidate_id": "D", "commune_insee": "31483"},
    ]
    result = run(tmp_path, [NEED], cands)
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["need_id"] == "N1"
    ranking = line["ranking"]
    assert [r["candidate_id"] for r in ranking] == ["A", "B"]
    assert ranking[0]["score"] == ranking[1]["score"]  # first names never count
    assert ranking[0]["explanation"].startswith("Même métier : Maçon / Maçonne (F1703)")


def test_a_bad_line_is_named_with_its_number_and_field(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        [NEED],
        [{**BASE, "candidate_id": "A"}, {**BASE, "mobility_km": -1, "candidate_id": "B"}],
    )
    assert result.exit_code == 2
    assert "c.jsonl:2: mobility_km" in result.output
