"""The matcher's copy of the catalogue of actions, the open needs' trades, and the log of the
proposals of actions (services/matcher/migrations/006_action_proposals.sql)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from services.matcher.adapters.pg_repository import Conn
from services.matcher.domain.actions import Action, Session
from services.matcher.domain.discovery import Asked

_UPSERT_ACTION = (
    "insert into matcher.actions (action_id, version, status, rome_codes, commune_insee,"
    " remote, title, kind, provider_structure) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    " on conflict (action_id) do update set version = excluded.version,"
    " status = excluded.status, rome_codes = excluded.rome_codes,"
    " commune_insee = excluded.commune_insee, remote = excluded.remote, title = excluded.title,"
    " kind = excluded.kind, provider_structure = excluded.provider_structure, updated_at = now()"
)


async def save_action(conn: Conn, *, action: Action) -> bool | None:
    """Store the action if newer than the one known (None: an older or the same version,
    ignored). True when it is worth proposing again: new, reopened, or with a new session."""
    async with conn.transaction():
        before = await conn.fetchrow(
            "select version, status from matcher.actions where action_id = $1 for update",
            UUID(action.action_id),
        )
        if before is not None and before["version"] >= action.version:
            return None
        known = {
            str(r["session_id"])
            for r in await conn.fetch(
                "select session_id from matcher.action_sessions where action_id = $1",
                UUID(action.action_id),
            )
        }
        await conn.execute(
            _UPSERT_ACTION,
            UUID(action.action_id),
            action.version,
            "open" if action.open else "closed",
            list(action.rome_codes),
            action.commune_insee,
            action.remote,
            action.title,
            action.kind,
            action.provider_structure,
        )
        await conn.execute(
            "delete from matcher.action_sessions where action_id = $1", UUID(action.action_id)
        )
        await conn.executemany(
            "insert into matcher.action_sessions (session_id, action_id, starts_at, ends_at,"
            " schedules, places_left) values ($1, $2, $3, $4, $5, $6)",
            [
                (
                    UUID(s.session_id),
                    UUID(action.action_id),
                    s.starts_at,
                    s.ends_at,
                    sorted(s.schedules),
                    s.places_left,
                )
                for s in action.sessions
            ],
        )
    reopened = before is None or before["status"] != "open"
    return action.open and (reopened or bool({s.session_id for s in action.sessions} - known))


async def open_actions_of(conn: Conn, *, codes: Sequence[str]) -> list[Action]:
    """The open actions concerning one of these trades, with their sessions."""
    rows = await conn.fetch(
        "select * from matcher.actions where status = 'open' and rome_codes && $1::text[]",
        list(codes),
    )
    if not rows:
        return []
    sessions = await conn.fetch(
        "select * from matcher.action_sessions where action_id = any($1::uuid[])",
        [r["action_id"] for r in rows],
    )
    by_action: dict[UUID, list[Session]] = {}
    for s in sessions:
        by_action.setdefault(s["action_id"], []).append(_session(s))
    return [_action(r, by_action.get(r["action_id"], [])) for r in rows]


def _session(row: Any) -> Session:
    return Session(
        session_id=str(row["session_id"]),
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        schedules=frozenset(row["schedules"]),
        places_left=row["places_left"],
    )


def _action(row: Any, sessions: list[Session]) -> Action:
    return Action(
        action_id=str(row["action_id"]),
        version=row["version"],
        rome_codes=tuple(row["rome_codes"]),
        commune_insee=row["commune_insee"],
        remote=row["remote"],
        title=row["title"],
        kind=row["kind"],
        provider_structure=row["provider_structure"],
        sessions=tuple(sessions),
        open=row["status"] == "open",
    )


async def keep_open_needs(
    conn: Conn, *, needs: Sequence[tuple[UUID, int, str, str, list[str]]]
) -> None:
    """(need_id, version, trade code, commune, skills): an older version never overwrites."""
    await conn.executemany(
        "insert into matcher.open_needs (need_id, version, rome_code, commune_insee, skills)"
        " values ($1, $2, $3, $4, $5) on conflict (need_id) do update set"
        " version = excluded.version, rome_code = excluded.rome_code,"
        " commune_insee = excluded.commune_insee, skills = excluded.skills"
        " where matcher.open_needs.version <= excluded.version",
        needs,
    )


async def forget_open_needs(conn: Conn, *, need_ids: Sequence[UUID]) -> None:
    await conn.execute("delete from matcher.open_needs where need_id = any($1::uuid[])", need_ids)


async def asked_in(conn: Conn, *, communes: Sequence[str]) -> list[tuple[str, Asked]]:
    """(commune, what its open needs ask of one trade: how many, which skills) for these
    communes: one row per trade and commune, however many needs there are."""
    rows = await conn.fetch(
        "select n.commune_insee, n.rome_code, count(distinct n.need_id) as needs,"
        " coalesce(array_agg(distinct s.skill) filter (where s.skill is not null), '{}') as skills"
        " from matcher.open_needs n left join lateral unnest(n.skills) as s(skill) on true"
        " where n.commune_insee = any($1::text[]) group by n.commune_insee, n.rome_code",
        list(communes),
    )
    return [
        (r["commune_insee"], Asked(r["rome_code"], r["needs"], tuple(r["skills"]))) for r in rows
    ]


PROPOSAL_COLUMNS = (
    "proposal_id",
    "candidate_id",
    "action_id",
    "session_id",
    "profile_version",
    "action_version",
    "rome_code",
    "discovery",
    "reason",
    "explanation",
    "distance_km",
    "referential_version",
    "inputs_hash",
    "structure",
    "shared_with",
)
_INSERT_PROPOSAL = (
    "insert into matcher.action_proposals (proposal_id, candidate_id, action_id, session_id,"
    " profile_version, action_version, rome_code, discovery, reason, explanation, distance_km,"
    " referential_version, inputs_hash, structure, shared_with) values ($1, $2, $3, $4, $5,"
    " $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    " on conflict (candidate_id, action_id) do nothing returning proposal_id"
)


async def save_proposals(conn: Conn, *, rows: Sequence[dict[str, Any]]) -> set[UUID]:
    """Store the proposals not made before; the ids of those new."""
    if not rows:
        return set()
    inserted = await conn.fetchmany(
        _INSERT_PROPOSAL, [tuple(r[c] for c in PROPOSAL_COLUMNS) for r in rows]
    )
    return {r["proposal_id"] for r in inserted}


async def save_feedback(conn: Conn, *, proposal_id: UUID, feedback: dict[str, Any]) -> bool:
    status = await conn.execute(
        "update matcher.action_proposals set feedback = $2, feedback_at = now()"
        " where proposal_id = $1",
        proposal_id,
        feedback,
    )
    return status != "UPDATE 0"


async def erase_proposals(conn: Conn, *, candidate_id: str) -> int:
    status = await conn.execute(
        "delete from matcher.action_proposals where candidate_id = $1::uuid", candidate_id
    )
    return int(status.split()[-1])
