"""The passeport's rows in PostgreSQL (schema `profiles`), each hanging on its profile."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain.passeport import (
    Attestation,
    Change,
    Item,
    Review,
)


def _json(value: Any) -> Any:
    # The pool's codec decodes jsonb; a bare connection may hand back text.
    return json.loads(value) if isinstance(value, str) else value


async def items(conn: Conn, candidate_id: UUID) -> list[Item]:
    rows = await conn.fetch(
        "select item_id, section, content, updated_at, updated_by from profiles.passeport_items"
        " where candidate_id = $1 order by created_at, item_id",
        candidate_id,
    )
    return [
        Item(r["item_id"], r["section"], _json(r["content"]), r["updated_at"], r["updated_by"])
        for r in rows
    ]


async def item(conn: Conn, candidate_id: UUID, item_id: UUID) -> Item | None:
    found = [i for i in await items(conn, candidate_id) if i.item_id == item_id]
    return found[0] if found else None


async def add_item(
    conn: Conn,
    *,
    item_id: UUID,
    candidate_id: UUID,
    section: str,
    content: dict[str, Any],
    by: str,
    at: datetime,
) -> None:
    await conn.execute(
        "insert into profiles.passeport_items (item_id, candidate_id, section, content,"
        " created_at, created_by, updated_at, updated_by) values ($1, $2, $3, $4, $5, $6, $5, $6)",
        item_id,
        candidate_id,
        section,
        json.dumps(content),
        at,
        by,
    )


async def update_item(
    conn: Conn,
    *,
    candidate_id: UUID,
    item_id: UUID,
    content: dict[str, Any],
    by: str,
    at: datetime,
) -> None:
    await conn.execute(
        "update profiles.passeport_items set content = $3, updated_at = $4, updated_by = $5"
        " where candidate_id = $1 and item_id = $2",
        candidate_id,
        item_id,
        json.dumps(content),
        at,
        by,
    )


async def delete_item(conn: Conn, *, candidate_id: UUID, item_id: UUID) -> None:
    await conn.execute(
        "delete from profiles.passeport_items where candidate_id = $1 and item_id = $2",
        candidate_id,
        item_id,
    )


async def reviews(conn: Conn, candidate_id: UUID) -> dict[str, Review]:
    rows = await conn.fetch(
        "select section, validated, comment, at from profiles.passeport_reviews"
        " where candidate_id = $1",
        candidate_id,
    )
    return {r["section"]: Review(r["section"], r["validated"], r["comment"], r["at"]) for r in rows}


async def set_review(
    conn: Conn, *, candidate_id: UUID, section: str, validated: bool, comment: str, at: datetime
) -> None:
    await conn.execute(
        "insert into profiles.passeport_reviews (candidate_id, section, validated, comment, at)"
        " values ($1, $2, $3, $4, $5) on conflict (candidate_id, section) do update"
        " set validated = excluded.validated, comment = excluded.comment, at = excluded.at",
        candidate_id,
        section,
        validated,
        comment,
        at,
    )


async def unvalidate(conn: Conn, *, candidate_id: UUID, section: str) -> bool:
    """The section's validation withdrawn (its comment kept); True if it was validated."""
    status = await conn.execute(
        "update profiles.passeport_reviews set validated = false"
        " where candidate_id = $1 and section = $2 and validated",
        candidate_id,
        section,
    )
    return str(status).endswith(" 1")


async def attestations(conn: Conn, candidate_id: UUID) -> list[Attestation]:
    rows = await conn.fetch(
        "select * from profiles.passeport_attestations where candidate_id = $1 order by at",
        candidate_id,
    )
    return [
        Attestation(
            r["attestation_id"],
            r["employer_name"],
            r["observer"],
            r["immersion"],
            list(_json(r["skills"])),
            r["comment"],
            r["at"],
        )
        for r in rows
    ]


async def add_attestation(
    conn: Conn,
    *,
    attestation_id: UUID,
    candidate_id: UUID,
    link_id: UUID,
    content: dict[str, Any],
    at: datetime,
) -> None:
    await conn.execute(
        "insert into profiles.passeport_attestations (attestation_id, candidate_id, link_id,"
        " employer_name, observer, immersion, skills, comment, at)"
        " values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        attestation_id,
        candidate_id,
        link_id,
        content["employer_name"],
        content["observer"],
        content["immersion"],
        json.dumps(content["skills"]),
        content["comment"],
        at,
    )


async def record(
    conn: Conn,
    *,
    candidate_id: UUID,
    actor_kind: str,
    actor: str,
    section: str | None,
    what: str,
    at: datetime,
) -> None:
    await conn.execute(
        "insert into profiles.passeport_history"
        " (candidate_id, actor_kind, actor, section, what, at) values ($1, $2, $3, $4, $5, $6)",
        candidate_id,
        actor_kind,
        actor,
        section,
        what,
        at,
    )


async def history(conn: Conn, candidate_id: UUID) -> list[Change]:
    """Newest first; a référent is named (their id stays the record)."""
    rows = await conn.fetch(
        "select h.*, r.name as referent_name from profiles.passeport_history h"
        " left join profiles.referents r"
        " on h.actor_kind = 'referent' and r.referent_id::text = h.actor"
        " where h.candidate_id = $1 order by h.id desc",
        candidate_id,
    )
    return [
        Change(
            r["actor_kind"],
            r["actor"],
            r["referent_name"] or r["actor"],
            r["section"],
            r["what"],
            r["at"],
        )
        for r in rows
    ]
