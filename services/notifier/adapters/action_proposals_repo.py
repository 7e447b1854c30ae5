"""PostgreSQL storage of the actions proposed to people, and of their follow-up.

Seen by the same rule as alerts: the person's référent, and the structures the profile is
shared with (the person's page of the workspace also shows those of the référent's structure).
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from ..domain.actions import ActionProposal
from ..domain.errors import ProposalNotFound
from ..domain.model import Referent

_SELECT = """select p.*, c.name as claimed_by_name, c.structure as claimed_by_structure
              from notifier.action_proposals p
              left join notifier.referents c on c.referent_id = p.claimed_by"""
_FIELDS = set(ActionProposal.__dataclass_fields__)


def _proposal(row: asyncpg.Record) -> ActionProposal:
    values = {k: row[k] for k in row.keys() if k in _FIELDS}
    values["action"] = dict(row["action"])  # jsonb: decoded by the pool's codec
    values["shared_with"] = list(row["shared_with"])
    return ActionProposal(**values)


async def insert(conn: asyncpg.Connection, *, proposal: ActionProposal) -> bool:
    """False when this proposal is already stored (a replayed event), or this session was
    already proposed to this person (another run of the matcher)."""
    p = proposal
    status: str = await conn.execute(
        """insert into notifier.action_proposals (proposal_id, action_id, session_id,
               candidate_id, referent_id, structure, shared_with, discovery, rome_code,
               rome_label, explanation, distance_km, action, created_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           on conflict do nothing""",
        p.proposal_id,
        p.action_id,
        p.session_id,
        p.candidate_id,
        p.referent_id,
        p.structure,
        p.shared_with,
        p.discovery,
        p.rome_code,
        p.rome_label,
        p.explanation,
        p.distance_km,
        p.action,
        p.created_at,
    )
    return status.endswith(" 1")


async def get(conn: asyncpg.Connection, *, proposal_id: UUID) -> ActionProposal:
    row = await conn.fetchrow(f"{_SELECT} where p.proposal_id = $1", proposal_id)
    if row is None:
        raise ProposalNotFound(str(proposal_id))
    return _proposal(row)


async def get_many(conn: asyncpg.Connection, *, ids: list[UUID]) -> list[ActionProposal]:
    rows = await conn.fetch(
        f"{_SELECT} where p.proposal_id = any($1::uuid[]) order by p.created_at", ids
    )
    return [_proposal(r) for r in rows]


async def lock_visible(
    conn: asyncpg.Connection, *, proposal_id: UUID, referent: Referent
) -> ActionProposal:
    """The proposal, locked for a follow-up, if the référent may see it in their inbox."""
    found = await conn.fetchval(
        """select proposal_id from notifier.action_proposals where proposal_id = $1
             and (referent_id = $2 or $3 = any(shared_with)) for update""",
        proposal_id,
        referent.referent_id,
        referent.structure,
    )
    if found is None:
        raise ProposalNotFound(str(proposal_id))
    return await get(conn, proposal_id=proposal_id)


async def inbox(
    conn: asyncpg.Connection, *, referent: Referent, limit: int = 200
) -> list[ActionProposal]:
    rows = await conn.fetch(
        f"""{_SELECT} where p.referent_id = $1 or $2 = any(p.shared_with)
            order by p.created_at desc, p.proposal_id limit $3""",
        referent.referent_id,
        referent.structure,
        limit,
    )
    return [_proposal(r) for r in rows]


async def for_candidate(
    conn: asyncpg.Connection, *, referent: Referent, candidate_id: UUID, limit: int = 50
) -> list[ActionProposal]:
    rows = await conn.fetch(
        f"""{_SELECT} where p.candidate_id = $1
              and (p.referent_id = $2 or p.structure = $3 or $3 = any(p.shared_with))
            order by p.created_at desc, p.proposal_id limit $4""",
        candidate_id,
        referent.referent_id,
        referent.structure,
        limit,
    )
    return [_proposal(r) for r in rows]


async def record_follow_up(
    conn: asyncpg.Connection,
    *,
    proposal_id: UUID,
    referent_id: UUID,
    decision: str,
    reason: str | None,
) -> None:
    await conn.execute(
        """update notifier.action_proposals set claimed_by = coalesce(claimed_by, $2),
               decision = $3, reason = $4, decided_at = now() where proposal_id = $1""",
        proposal_id,
        referent_id,
        decision,
        reason,
    )


async def share(conn: asyncpg.Connection, *, candidate_id: UUID, shared_with: list[str]) -> None:
    """The profile's sharing now (the référent's own structure never counts as shared)."""
    await conn.execute(
        """update notifier.action_proposals p
           set shared_with = array(select s from unnest($2::text[]) s where s <> p.structure)
           where candidate_id = $1 and shared_with is distinct from
               array(select s from unnest($2::text[]) s where s <> p.structure)""",
        candidate_id,
        shared_with,
    )


async def redact_candidate(conn: asyncpg.Connection, *, candidate_id: UUID) -> list[UUID]:
    """Redact the person's proposals; the ids of those touched."""
    rows = await conn.fetch(
        """update notifier.action_proposals set candidate_id = null, explanation = null,
               distance_km = null, redacted_at = now()
           where candidate_id = $1 returning proposal_id""",
        candidate_id,
    )
    return [r["proposal_id"] for r in rows]


async def open_counts(
    conn: asyncpg.Connection, *, referent: Referent, candidate_ids: list[UUID]
) -> dict[UUID, int]:
    """Per person, the actions proposed nobody has followed up yet (the workspace's badges)."""
    rows = await conn.fetch(
        """select p.candidate_id, count(*) as n from notifier.action_proposals p
            where p.candidate_id = any($1::uuid[]) and p.decision is null
              and (p.referent_id = $2 or p.structure = $3 or $3 = any(p.shared_with))
            group by p.candidate_id""",
        candidate_ids,
        referent.referent_id,
        referent.structure,
    )
    return {r["candidate_id"]: int(r["n"]) for r in rows}
