"""The needs to publish the reach of (matcher.need_reach), and the counts the audit log gives."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from services.matcher.adapters.pg_repository import Conn


async def mark_needs(conn: Conn, *, needs: Sequence[tuple[UUID, str, list[str]]]) -> None:
    """(need, federation, fiches) matched: dirty, with the trades read of this version."""
    await conn.executemany(
        "insert into matcher.need_reach (need_id, federation, fiches, dirty_since)"
        " values ($1, $2, $3, now()) on conflict (need_id) do update set"
        " federation = excluded.federation, fiches = excluded.fiches,"
        " dirty_since = coalesce(matcher.need_reach.dirty_since, now())",
        needs,
    )


async def adopt_needs(conn: Conn, *, needs: Sequence[tuple[UUID, str, list[str]]]) -> int:
    """(need, federation, fiches) without a row yet: dirty. Returns how many were new."""
    rows = await conn.fetch(
        "insert into matcher.need_reach (need_id, federation, fiches, dirty_since)"
        " select n, f, '{}', now() from unnest($1::uuid[], $2::text[]) as t(n, f)"
        " on conflict (need_id) do nothing returning need_id",
        [n for n, _, _ in needs],
        [f for _, f, _ in needs],
    )
    new = {r["need_id"] for r in rows}
    # Their trades, for a profile's change to find them (arrays of arrays are not unnest-able).
    await conn.executemany(
        "update matcher.need_reach set fiches = $2 where need_id = $1",
        [(n, fiches) for n, _, fiches in needs if n in new],
    )
    return len(new)


async def mark_of_trades(conn: Conn, *, fiches: list[str] | None) -> None:
    """A profile changed: the needs sharing one of its trades are dirty (None: every need,
    when the profile's trades are not known any more, after an erasure)."""
    await conn.execute(
        "update matcher.need_reach set dirty_since = now() where dirty_since is null"
        " and ($1::text[] is null or fiches && $1::text[])",
        fiches,
    )


async def mark_need(conn: Conn, *, need_id: UUID) -> None:
    await conn.execute(
        "update matcher.need_reach set dirty_since = coalesce(dirty_since, now())"
        " where need_id = $1",
        need_id,
    )


async def forget_need(conn: Conn, *, need_id: UUID) -> None:
    await conn.execute("delete from matcher.need_reach where need_id = $1", need_id)


async def claim_due(
    conn: Conn, *, now: datetime, every: timedelta, limit: int
) -> list[tuple[UUID, str]]:
    """The dirty needs not published for `every`, marked published now (in the caller's
    transaction: a failure leaves them dirty); another replica skips the rows locked."""
    rows = await conn.fetch(
        "update matcher.need_reach r set dirty_since = null, published_at = $1"
        " where r.need_id in (select need_id from matcher.need_reach"
        "  where dirty_since is not null and (published_at is null or published_at <= $2)"
        "  order by dirty_since limit $3 for update skip locked)"
        " returning r.need_id, r.federation",
        now,
        now - every,
        limit,
    )
    return [(r["need_id"], r["federation"]) for r in rows]


async def proposals_and_outcomes(
    conn: Conn, *, need_ids: Sequence[UUID]
) -> dict[UUID, tuple[int, Counter[str]]]:
    """Per need: the MatchFound sent (audit rows), and the référents' decisions by kind, a
    `not_relevant:<reason>` count beside `not_relevant` for each reason given."""
    rows = await conn.fetch(
        "select need_id, feedback->>'decision' as decision, feedback->>'reason' as reason,"
        " count(*) as n from matcher.matches where need_id = any($1::uuid[])"
        " group by need_id, decision, reason",
        list(need_ids),
    )
    found: dict[UUID, tuple[int, Counter[str]]] = {n: (0, Counter()) for n in need_ids}
    for r in rows:
        sent, outcomes = found[r["need_id"]]
        found[r["need_id"]] = (sent + r["n"], outcomes)
        if r["decision"]:
            outcomes[r["decision"]] += r["n"]
            if r["reason"]:
                outcomes[f"{r['decision']}:{r['reason']}"] += r["n"]
    return found
