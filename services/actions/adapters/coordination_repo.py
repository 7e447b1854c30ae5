"""The coordination view's SQL: what the proposals' events left, and the counts of a period.

The offer and
the registrations are those of the sessions (not cancelled) starting in the period; the
proposals those made in it, and what came of them since.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from services.actions.adapters.db import Conn
from services.actions.domain.coordination_tables import (
    FollowUpRow,
    OfferRow,
    PublicRow,
    Raw,
    TradeRow,
)
from services.actions.domain.period import Period
from shared.contracts.actions import ActionProposalFeedbackGiven, ActionProposed
from shared.contracts.matches import MatchFound
from shared.contracts.notifications import MatchFeedbackGiven

PARIS = ZoneInfo("Europe/Paris")


async def record_proposals(conn: Conn, events: list[ActionProposed]) -> None:
    """A proposal is stored once, whatever the redeliveries (its id is the key)."""
    await conn.executemany(
        """
        insert into actions.coordination_proposals
               (proposal_id, candidate_id, rome_code, discovery, proposed_at)
        values ($1, $2, $3, $4, $5)
        on conflict (proposal_id) do nothing
        """,
        [
            (
                e.payload.proposal_id,
                e.payload.candidate_id,
                e.payload.reason.rome_code,
                e.payload.reason.kind == "decouverte",
                e.occurred_at,
            )
            for e in events
        ],
    )


async def record_follow_ups(conn: Conn, events: list[ActionProposalFeedbackGiven]) -> None:
    """The latest follow-up of a proposal wins; an older one read late changes nothing."""
    await conn.executemany(
        """
        insert into actions.coordination_follow_ups
               (proposal_id, candidate_id, discovery, decision, reason, given_at)
        values ($1, $2, $3, $4, $5, $6)
        on conflict (proposal_id) do update
           set discovery = excluded.discovery, decision = excluded.decision,
               reason = excluded.reason, given_at = excluded.given_at
         where coordination_follow_ups.given_at <= excluded.given_at
        """,
        [
            (
                e.payload.proposal_id,
                e.payload.candidate_id,
                e.payload.discovery,
                str(e.payload.decision),
                e.payload.reason if e.payload.decision == "pas_pertinent" else None,
                e.occurred_at,
            )
            for e in events
        ],
    )


async def record_matches(conn: Conn, events: list[MatchFound]) -> None:
    """Only a match on a need of a trade the person was proposed to discover before it.
    One statement for the batch (most matches are not of such a trade: nothing is written)."""
    rows = [
        (e.payload.match_id, e.payload.candidate_id, e.payload.need.rome_code, e.occurred_at)
        for e in events
        if e.payload.need.rome_code
    ]
    if not rows:
        return
    await conn.execute(
        """
        insert into actions.coordination_matches (match_id, candidate_id, rome_code, matched_at)
        select u.match_id, u.candidate_id, u.rome_code, u.matched_at
          from unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[])
               as u(match_id, candidate_id, rome_code, matched_at)
         where exists (select 1 from actions.coordination_proposals p
                        where p.candidate_id = u.candidate_id and p.rome_code = u.rome_code
                          and p.discovery and p.proposed_at <= u.matched_at)
        on conflict (match_id) do nothing
        """,
        *(list(column) for column in zip(*rows, strict=True)),
    )


async def record_match_decisions(conn: Conn, events: list[MatchFeedbackGiven]) -> None:
    """The référent's latest decision on a kept match ("hired": then hired)."""
    await conn.executemany(
        """
        update actions.coordination_matches set decision = $2, decided_at = $3
         where match_id = $1 and (decided_at is null or decided_at <= $3)
        """,
        [(e.payload.match_id, str(e.payload.decision), e.occurred_at) for e in events],
    )


async def forget_person(conn: Conn, candidate_id: UUID) -> None:
    """The person's erasure: every row of theirs kept for the counts goes."""
    for table in ("coordination_proposals", "coordination_follow_ups", "coordination_matches"):
        await conn.execute(
            f"delete from actions.{table} where candidate_id = $1",  # noqa: S608 (fixed names)
            candidate_id,
        )


async def read(conn: Conn, period: Period) -> Raw:
    args = _bounds(period)
    offer = await conn.fetch(_OFFER, *args)
    publics = await conn.fetch(_PUBLICS, *args)
    proposals = await conn.fetch(_PROPOSALS, *args)
    follow_ups = await conn.fetch(_FOLLOW_UPS, *args)
    trades = await conn.fetch(_TRADES, *args)
    return Raw(
        offer=[OfferRow(**dict(r)) for r in offer],
        publics=[PublicRow(**dict(r)) for r in publics],
        proposals={r["discovery"]: r["made"] for r in proposals},
        follow_ups=[FollowUpRow(**dict(r)) for r in follow_ups],
        trades=[TradeRow(**dict(r)) for r in trades],
    )


def _bounds(period: Period) -> tuple[datetime, datetime]:
    """From the first day's midnight to the midnight after the last, in Paris."""
    start = datetime.combine(period.start, time(), PARIS)
    return start, datetime.combine(period.end + timedelta(days=1), time(), PARIS)


_OFFER = """
select a.kind, a.provider_structure as provider, count(distinct a.action_id)::int as actions,
       count(*)::int as sessions, sum(s.capacity)::int as capacity,
       sum(s.registered)::int as taken
  from actions.sessions s join actions.actions a using (action_id)
 where not s.cancelled and s.starts_at >= $1 and s.starts_at < $2
 group by a.kind, a.provider_structure
"""

# Per public of the action, then once for every action (public null): not a sum of the
# publics' lines, an action may be designed for several.
_PUBLICS = """
with regs as (
  select a.publics, r.status
    from actions.registrations r
    join actions.sessions s using (session_id)
    join actions.actions a on a.action_id = r.action_id
   where not s.cancelled and s.starts_at >= $1 and s.starts_at < $2
), per_public as (
  select p.public, r.status from regs r cross join lateral unnest(r.publics) as p (public)
  union all
  select null, r.status from regs r
)
select public, count(*) filter (where status in ('inscrit', 'present', 'absent'))::int as placed,
       count(*) filter (where status = 'present')::int as present,
       count(*) filter (where status = 'absent')::int as absent,
       count(*) filter (where status = 'liste_attente')::int as waiting
  from per_public
 group by public
"""

_PROPOSALS = """
select discovery, count(*)::int as made
  from actions.coordination_proposals
 where proposed_at >= $1 and proposed_at < $2
 group by discovery
"""

# A follow-up counts in the period of its proposal (its own date if the proposal was not read).
_FOLLOW_UPS = """
select f.discovery, f.decision, f.reason, count(*)::int as count
  from actions.coordination_follow_ups f
  left join actions.coordination_proposals p using (proposal_id)
 where coalesce(p.proposed_at, f.given_at) >= $1
   and coalesce(p.proposed_at, f.given_at) < $2
 group by f.discovery, f.decision, f.reason
"""

# The persons proposed a trade to discover in the period, from their first such proposal in
# it; then whether, since, they took a place in an action of the trade, were matched on a need
# of it, were hired on such a match.
_TRADES = """
with cohort as (
  select candidate_id, rome_code, min(proposed_at) as since
    from actions.coordination_proposals
   where discovery and proposed_at >= $1 and proposed_at < $2
   group by candidate_id, rome_code
), steps as (
  select c.rome_code,
         exists (select 1 from actions.registrations r join actions.actions a using (action_id)
                  where r.candidate_id = c.candidate_id and c.rome_code = any (a.rome_codes)
                    and r.status in ('inscrit', 'present', 'absent')
                    and r.created_at >= c.since) as registered,
         exists (select 1 from actions.coordination_matches m
                  where m.candidate_id = c.candidate_id and m.rome_code = c.rome_code
                    and m.matched_at >= c.since) as matched,
         exists (select 1 from actions.coordination_matches m
                  where m.candidate_id = c.candidate_id and m.rome_code = c.rome_code
                    and m.matched_at >= c.since and m.decision = 'hired') as hired
    from cohort c
)
select rome_code, count(*)::int as proposed,
       count(*) filter (where registered)::int as registered,
       count(*) filter (where matched)::int as matched,
       count(*) filter (where hired)::int as hired
  from steps
 group by rome_code
"""
