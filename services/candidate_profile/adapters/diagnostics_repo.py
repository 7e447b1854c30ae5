"""Diagnostics in PostgreSQL (table `profiles.diagnostics`), numbered per person from 1."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain.diagnostic import Diagnostic


def _diagnostic(row: asyncpg.Record) -> Diagnostic:
    data: dict[str, Any] = dict(row)
    return Diagnostic.model_validate(data)


async def append(
    conn: Conn,
    *,
    candidate_id: UUID,
    trame_version: int,
    answers: dict[str, Any],
    author: UUID,
    at: datetime,
) -> Diagnostic:
    """The next diagnostic of the person. The caller holds the profile's row lock (profiles.owned
    or a new profile), so two saves never take the same number."""
    row = await conn.fetchrow(
        "insert into profiles.diagnostics"
        " (candidate_id, seq, trame_version, answers, author_referent_id, created_at)"
        " select $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5"
        " from profiles.diagnostics where candidate_id = $1 returning *",
        candidate_id,
        trame_version,
        answers,
        author,
        at,
    )
    assert row is not None
    return _diagnostic(row)


async def get(conn: Conn, candidate_id: UUID, seq: int | None = None) -> Diagnostic | None:
    """The diagnostic of that number, or the latest one."""
    row = await conn.fetchrow(
        "select * from profiles.diagnostics where candidate_id = $1"
        " and ($2::integer is null or seq = $2) order by seq desc limit 1",
        candidate_id,
        seq,
    )
    return _diagnostic(row) if row else None


async def list_of(conn: Conn, candidate_id: UUID) -> list[Diagnostic]:
    rows = await conn.fetch(
        "select * from profiles.diagnostics where candidate_id = $1 order by seq desc",
        candidate_id,
    )
    return [_diagnostic(r) for r in rows]
