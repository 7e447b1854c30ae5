"""An API key created by ops is stored only as an HMAC, beside the id of the pepper that made it."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from services.employer_intake.adapters.pg_api_keys import key_by_prefix
from services.employer_intake.domain import apikeys

from .test_cli import _invoke

pytestmark = pytest.mark.integration


async def test_a_created_key_is_stored_as_a_hash_with_the_id_of_its_pepper(
    client: httpx.AsyncClient, intake_app: FastAPI, federation: str
) -> None:
    code, output = await _invoke("create-api-key", "--federation", federation)
    assert code == 0, output
    key = output.strip().splitlines()[-1]
    assert (await client.get("/needs", headers={"X-API-Key": key})).status_code == 200
    stored = await key_by_prefix(intake_app.state.container.pool, prefix=apikeys.prefix_of(key))
    assert stored is not None
    assert stored.key_kid == "api-key.1"
    assert key.encode() not in stored.key_hash
    tampered = key[:-1] + ("A" if key[-1] != "A" else "B")  # same prefix, another secret
    assert (await client.get("/needs", headers={"X-API-Key": tampered})).status_code == 401
