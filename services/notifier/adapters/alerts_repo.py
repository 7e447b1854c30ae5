"""PostgreSQL storage of alerts (the inbox), erasures and feedback."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

import asyncpg

from shared.db.rows import insert_rows

from ..domain.errors import AlertNotFound
from ..domain.model import Alert, Referent

_SELECT = """select a.*, c.name as claimed_by_name, c.structure as claimed_by_structure
              from notifier.alerts a
              left join notifier.referents c on c.referent_id = a.claimed_by"""


def _alert(row: asyncpg.Record) -> Alert:
    fields = set(Alert.__dataclass_fields__)
    return Alert(**{k: row[k] for k in row.keys() if k in fields})


_COLUMNS = [
    ("alert_id", "uuid"),
    ("match_id", "uuid"),
    ("need_id", "uuid"),
    ("candidate_id", "uuid"),
    ("referent_id", "uuid"),
    ("structure", "text"),
    ("shared_with", "text[]"),
    ("explanation", "text"),
    ("need", "jsonb"),
    ("distance_km", "double precision"),
    ("created_at", "timestamptz"),
    ("planned", "boolean"),
]


def _row(a: Alert) -> tuple[object, ...]:
    return (
        a.alert_id,
        a.match_id,
        a.need_id,
        a.candidate_id,
        a.referent_id,
        a.structure,
        a.shared_with,
        a.explanation,
        a.need,
        a.distance_km,
        a.created_at,
    )


async def insert_alerts(
    conn: asyncpg.Connection, *, alerts: list[Alert], planned_for: Collection[UUID] = ()
) -> list[Alert]:
    """The alerts stored, in order; those whose match or pair was already alerted are skipped,
    including a pair met twice in the list (the first one wins, as one by one). Those of the
    référents `planned_for` are stored as planned (their deliveries are the caller's to add, in
    the same transaction)."""
    if not alerts:
        return []
    rows = await insert_rows(
        conn,
        "notifier.alerts",
        _COLUMNS,
        [(*_row(a), a.referent_id in planned_for) for a in alerts],
        tail="on conflict do nothing",
        returning="alert_id",
    )
    stored = {r["alert_id"] for r in rows}
    return [a for a in alerts if a.alert_id in stored]


async def get_alert(conn: asyncpg.Connection, *, alert_id: UUID) -> Alert:
    row = await conn.fetchrow(f"{_SELECT} where a.alert_id = $1", alert_id)
    if row is None:
        raise AlertNotFound(str(alert_id))
    return _alert(row)


async def get_alerts(conn: asyncpg.Connection, *, alert_ids: list[UUID]) -> list[Alert]:
    """The alerts of `alert_ids`, in that order (one round trip for a grouped e-mail)."""
    rows = await conn.fetch(f"{_SELECT} where a.alert_id = any($1::uuid[])", alert_ids)
    found = {r["alert_id"]: _alert(r) for r in rows}
    missing = [i for i in alert_ids if i not in found]
    if missing:
        raise AlertNotFound(str(missing[0]))
    return [found[i] for i in alert_ids]


async def lock_visible_alert(
    conn: asyncpg.Connection, *, alert_id: UUID, referent: Referent
) -> Alert:
    """The alert, locked for a decision, if the référent may see it (own or shared with them)."""
    found = await conn.fetchval(
        """select alert_id from notifier.alerts where alert_id = $1
             and (referent_id = $2 or $3 = any(shared_with)) for update""",
        alert_id,
        referent.referent_id,
        referent.structure,
    )
    if found is None:
        raise AlertNotFound(str(alert_id))
    return await get_alert(conn, alert_id=alert_id)


async def inbox(conn: asyncpg.Connection, *, referent: Referent, limit: int = 200) -> list[Alert]:
    rows = await conn.fetch(
        f"""{_SELECT} where a.referent_id = $1 or $2 = any(a.shared_with)
            order by a.created_at desc, a.alert_id limit $3""",
        referent.referent_id,
        referent.structure,
        limit,
    )
    return [_alert(r) for r in rows]


async def unplanned_alerts(conn: asyncpg.Connection, *, referent_id: UUID) -> list[Alert]:
    rows = await conn.fetch(
        f"{_SELECT} where a.referent_id = $1 and not a.planned and a.redacted_at is null"
        " for update of a",
        referent_id,
    )
    return [_alert(r) for r in rows]


async def mark_all_planned(conn: asyncpg.Connection, *, alert_ids: list[UUID]) -> None:
    await conn.execute(
        "update notifier.alerts set planned = true where alert_id = any($1::uuid[])", alert_ids
    )


async def record_decision(
    conn: asyncpg.Connection,
    *,
    alert_id: UUID,
    referent_id: UUID,
    decision: str,
    reason: str | None,
) -> None:
    await conn.execute(
        """update notifier.alerts set claimed_by = coalesce(claimed_by, $2), decision = $3,
               reason = $4, decided_at = now() where alert_id = $1""",
        alert_id,
        referent_id,
        decision,
        reason,
    )
    await conn.execute(
        "insert into notifier.feedback (alert_id, referent_id, decision, reason)"
        " values ($1, $2, $3, $4)",
        alert_id,
        referent_id,
        decision,
        reason,
    )


async def erased_versions(
    conn: asyncpg.Connection, *, candidate_hashes: list[str]
) -> dict[str, int]:
    """The erased version of each of these candidates that was erased.

    Each candidate is first locked (shared, until the transaction ends) against its erasure,
    which takes the same lock exclusively: an erasure committed just before is seen here, and
    one committed just after waits for this transaction, then redacts what it stored.
    """
    await conn.execute(
        "select pg_advisory_xact_lock_shared(hashtext(h))"
        " from (select distinct unnest($1::text[]) as h order by 1) s",
        candidate_hashes,
    )
    rows = await conn.fetch(
        "select candidate_hash, version from notifier.erased_candidates"
        " where candidate_hash = any($1::text[])",
        candidate_hashes,
    )
    return {r["candidate_hash"]: r["version"] for r in rows}


async def redact_candidate(
    conn: asyncpg.Connection, *, candidate_id: UUID, candidate_hash: str, version: int
) -> list[tuple[UUID, UUID]]:
    """Redact the candidate's alerts; return the (alert id, match id) of those touched."""
    await conn.execute("select pg_advisory_xact_lock(hashtext($1))", candidate_hash)
    await conn.execute(
        """insert into notifier.erased_candidates (candidate_hash, version) values ($1, $2)
           on conflict (candidate_hash) do update
               set version = greatest(notifier.erased_candidates.version, excluded.version)""",
        candidate_hash,
        version,
    )
    await conn.execute(
        "delete from notifier.candidate_shares where candidate_id = $1", candidate_id
    )
    rows = await conn.fetch(
        """update notifier.alerts set candidate_id = null, explanation = null,
               distance_km = null, redacted_at = now()
           where candidate_id = $1 returning alert_id, match_id""",
        candidate_id,
    )
    return [(r["alert_id"], r["match_id"]) for r in rows]


async def record_shares(
    conn: asyncpg.Connection,
    *,
    candidate_id: UUID,
    version: int,
    structure: str,
    shared_with: list[str],
) -> bool:
    """Keep the structures the profile is shared with, unless a newer version already said;
    then give the candidate's alerts that sharing (the référent's own structure never counts
    as shared). True when this version was newer."""
    status: str = await conn.execute(
        """insert into notifier.candidate_shares (candidate_id, version, structure, shared_with)
           values ($1, $2, $3, $4)
           on conflict (candidate_id) do update set version = excluded.version,
               structure = excluded.structure, shared_with = excluded.shared_with
           where notifier.candidate_shares.version < excluded.version""",
        candidate_id,
        version,
        structure,
        shared_with,
    )
    if not status.endswith(" 1"):
        return False
    # Only the alerts whose sharing changes are written (most versions change other things).
    await conn.execute(
        """update notifier.alerts a
           set shared_with = array(select s from unnest($2::text[]) s where s <> a.structure)
           where candidate_id = $1 and shared_with is distinct from
               array(select s from unnest($2::text[]) s where s <> a.structure)""",
        candidate_id,
        shared_with,
    )
    return True


async def known_shares(
    conn: asyncpg.Connection, *, candidate_ids: list[UUID]
) -> dict[UUID, tuple[int, list[str]]]:
    """(version, shared_with) last known of each of these candidates' profiles."""
    rows = await conn.fetch(
        "select candidate_id, version, shared_with from notifier.candidate_shares"
        " where candidate_id = any($1::uuid[])",
        candidate_ids,
    )
    return {r["candidate_id"]: (r["version"], list(r["shared_with"])) for r in rows}


# A person's proposals, seen from the workspace: those of the référent, of their structure, or
# shared with it (read only; acting on one stays the inbox's rule).
_VISIBLE_TO = "(a.referent_id = $2 or a.structure = $3 or $3 = any(a.shared_with))"


async def for_candidate(
    conn: asyncpg.Connection, *, referent: Referent, candidate_id: UUID, limit: int = 50
) -> list[Alert]:
    rows = await conn.fetch(
        f"""{_SELECT} where a.candidate_id = $1 and {_VISIBLE_TO}
            order by a.created_at desc, a.alert_id limit $4""",
        candidate_id,
        referent.referent_id,
        referent.structure,
        limit,
    )
    return [_alert(r) for r in rows]


async def open_counts(
    conn: asyncpg.Connection, *, referent: Referent, candidate_ids: list[UUID]
) -> dict[UUID, int]:
    """Per person, the proposals nobody has acted on yet (no decision, not redacted)."""
    rows = await conn.fetch(
        """select a.candidate_id, count(*) as n from notifier.alerts a
            where a.candidate_id = any($1::uuid[])
              and (a.referent_id = $2 or a.structure = $3 or $3 = any(a.shared_with))
              and a.decision is null and a.redacted_at is null
            group by a.candidate_id""",
        candidate_ids,
        referent.referent_id,
        referent.structure,
    )
    return {r["candidate_id"]: int(r["n"]) for r in rows}
