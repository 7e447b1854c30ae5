"""Profiles and their shares in PostgreSQL (schema `profiles`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain.model import Consent, Profile

_SELECT = """
select p.*, coalesce((select jsonb_agg(s.structure order by s.structure)
                      from profiles.shares s where s.candidate_id = p.candidate_id),
                     '[]'::jsonb) as shared_with
from profiles.profiles p
"""
# A shared profile is visible to the other structure only while the person consents to sharing.
_VISIBLE = """(p.structure = $2 or (p.consent_purposes ? 'sharing_with_partners'
               and exists (select from profiles.shares s
                           where s.candidate_id = p.candidate_id and s.structure = $2)))"""
_COLUMNS = (
    "candidate_id, referent_id, structure, version, first_name, contact_email, contact_phone,"
    " notes, desired_jobs, desired_rome_codes, experience, skills, commune_insee, mobility_km,"
    " has_driving_licence, unavailable_schedules, available_from, consent_purposes,"
    " consent_granted_at, consent_expires_at, created_at, updated_at"
)


def _profile(row: asyncpg.Record) -> Profile:
    data: dict[str, Any] = dict(row)
    purposes = data.pop("consent_purposes")
    granted, expires = data.pop("consent_granted_at"), data.pop("consent_expires_at")
    data["consent"] = (
        Consent(purposes=tuple(purposes), granted_at=granted, expires_at=expires)
        if purposes
        else None
    )
    data["shared_with"] = tuple(data["shared_with"])
    return Profile.model_validate(data)


def _values(p: Profile) -> list[Any]:
    consent = p.consent
    return [
        p.candidate_id, p.referent_id, p.structure, p.version, p.first_name, p.contact_email,
        p.contact_phone, p.notes, p.desired_jobs, p.desired_rome_codes, p.experience, p.skills,
        p.commune_insee, p.mobility_km, p.has_driving_licence,
        [s.value for s in p.unavailable_schedules], p.available_from,
        list(consent.purposes) if consent else [],
        consent.granted_at if consent else None, consent.expires_at if consent else None,
        p.created_at, p.updated_at,
    ]  # fmt: skip


async def save(conn: Conn, profile: Profile) -> None:
    """Insert or replace the profile (its shares live in their own table)."""
    placeholders = ", ".join(f"${i}" for i in range(1, 23))
    updates = ", ".join(
        f"{c} = excluded.{c}"
        for c in (c.strip() for c in _COLUMNS.split(","))
        if c not in ("candidate_id", "created_at")
    )
    await conn.execute(
        f"insert into profiles.profiles ({_COLUMNS}) values ({placeholders})"  # noqa: S608
        f" on conflict (candidate_id) do update set {updates}",
        *_values(profile),
    )


async def get(conn: Conn, candidate_id: UUID, *, lock: bool = False) -> Profile | None:
    suffix = " for update of p" if lock else ""
    row = await conn.fetchrow(_SELECT + " where p.candidate_id = $1" + suffix, candidate_id)
    return _profile(row) if row else None


async def list_visible(
    conn: Conn, *, structure: str, limit: int, after: UUID | None
) -> list[Profile]:
    """Profiles of the structure or shared with it, by id (a stable keyset cursor)."""
    rows = await conn.fetch(
        _SELECT + " where ($1::uuid is null or p.candidate_id > $1)"
        f" and {_VISIBLE} order by p.candidate_id limit $3",
        after,
        structure,
        limit,
    )
    return [_profile(r) for r in rows]


async def add_share(conn: Conn, *, candidate_id: UUID, structure: str, by: UUID) -> bool:
    status = await conn.execute(
        "insert into profiles.shares (candidate_id, structure, shared_by) values ($1, $2, $3)"
        " on conflict do nothing",
        candidate_id,
        structure,
        by,
    )
    return bool(status.endswith(" 1"))


async def remove_share(conn: Conn, *, candidate_id: UUID, structure: str) -> bool:
    status = await conn.execute(
        "delete from profiles.shares where candidate_id = $1 and structure = $2",
        candidate_id,
        structure,
    )
    return bool(status.endswith(" 1"))


async def delete(conn: Conn, candidate_id: UUID) -> None:
    """Removes the row and, by cascade, its shares."""
    await conn.execute("delete from profiles.profiles where candidate_id = $1", candidate_id)


async def due_for_erasure(
    conn: Conn, *, now: datetime, inactive_before: datetime, limit: int
) -> list[tuple[UUID, str]]:
    """Ids whose consent has expired, or unchanged since `inactive_before`, with the reason."""
    rows = await conn.fetch(
        "select candidate_id, case when consent_expires_at <= $1 then 'expired'"
        " else 'inactive' end as reason from profiles.profiles"
        " where consent_expires_at <= $1 or updated_at <= $2"
        " order by candidate_id limit $3",
        now,
        inactive_before,
        limit,
    )
    return [(r["candidate_id"], r["reason"]) for r in rows]
