"""The ops commands: keys created and revoked, files imported, on the real PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from services.employer_intake.entrypoints.cli import cli

pytestmark = pytest.mark.integration
runner = CliRunner()


async def _invoke(*args: str) -> tuple[int, str]:
    # Each command runs its own event loop: give it a thread of its own.
    result = await asyncio.to_thread(runner.invoke, cli, list(args))
    return result.exit_code, result.output


async def test_a_created_key_works_once_printed_and_fails_once_revoked(
    client: httpx.AsyncClient, federation: str
) -> None:
    code, output = await _invoke("create-api-key", "--federation", federation)
    assert code == 0, output
    key = output.strip().splitlines()[-1]
    assert key.startswith("spie_")
    assert (await client.get("/needs", headers={"X-API-Key": key})).status_code == 200

    code, output = await _invoke("revoke-api-key", key.split("_")[1])
    assert code == 0, output
    assert (await client.get("/needs", headers={"X-API-Key": key})).status_code == 401


async def test_import_needs_stores_the_good_lines_and_reports_the_bad_ones(
    client: httpx.AsyncClient, headers: dict[str, str], federation: str, tmp_path: Path
) -> None:
    file = tmp_path / "needs.csv"
    file.write_text(
        "external_ref;employer_name;title;commune_insee;contract_type;hours_per_week;skills\n"
        "C1;Bâtir;Maçonne;31395;CDD;35;coffrage|béton\n"
        "C2;Bâtir;Cariste;31555;CDI;60;\n"
        "C3;Bâtir;Serveur;31555;CDI;17,5;\n",
        encoding="utf-8",
    )
    code, output = await _invoke("import-needs", str(file), "--federation", federation)
    assert code == 3, output  # some lines refused
    words = " ".join(output.split())  # rich wraps long lines
    assert "3 rows, 2 stored, 0 already present, 1 refused" in words
    assert "hours_per_week" in words
    listed = (await client.get("/needs", headers=headers)).json()
    assert sorted(n["external_ref"] for n in listed["items"]) == ["C1", "C3"]

    file.write_text("employer_name,title\nBâtir,Maçon\n", encoding="utf-8")
    code, output = await _invoke("import-needs", str(file), "--federation", federation)
    assert code == 1 and "nothing stored" in " ".join(output.split())
