"""The e-mail queue of proposals and place notices: one row per item, so never sent twice.

Rows are claimed with FOR UPDATE SKIP LOCKED, like the alerts' deliveries; a référent's due
rows of the same kind (immediate or digest) go out together in one message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from ..domain.model import DeliveryPlan
from .deliveries_repo import DELIVERIES_CHANNEL


@dataclass(frozen=True)
class ActionMail:
    item_id: UUID
    kind: str  # "proposition" | "place"
    referent_id: UUID
    digest: bool
    attempts: int


def _mail(row: asyncpg.Record) -> ActionMail:
    return ActionMail(
        item_id=row["item_id"],
        kind=row["kind"],
        referent_id=row["referent_id"],
        digest=row["digest"],
        attempts=row["attempts"],
    )


async def add(
    conn: asyncpg.Connection, *, item_id: UUID, kind: str, referent_id: UUID,
    plan: DeliveryPlan | None, known: bool,
) -> None:  # fmt: skip
    """Queue the item's e-mail: pending by `plan`, suppressed when the référent wants none,
    waiting while the référent is not known yet (planned at their ReferentUpserted)."""
    if not known:
        status, due, digest = "waiting", None, False
    elif plan is None:
        status, due, digest = "suppressed", None, False
    else:
        status, due, digest = "pending", plan.due_at, plan.digest
    await conn.execute(
        """insert into notifier.action_mails (item_id, kind, referent_id, status, digest, due_at)
           values ($1, $2, $3, $4, $5, $6) on conflict (item_id) do nothing""",
        item_id,
        kind,
        referent_id,
        status,
        digest,
        due,
    )
    if status == "pending":
        await conn.execute("select pg_notify($1, '')", DELIVERIES_CHANNEL)


async def plan_waiting(
    conn: asyncpg.Connection, *, referent_id: UUID, plan: DeliveryPlan | None
) -> None:
    """The référent is now known: their waiting e-mails are planned (or suppressed)."""
    if plan is None:
        await conn.execute(
            """update notifier.action_mails set status = 'suppressed'
               where referent_id = $1 and status = 'waiting'""",
            referent_id,
        )
        return
    await conn.execute(
        """update notifier.action_mails set status = 'pending', due_at = $2, digest = $3
           where referent_id = $1 and status = 'waiting'""",
        referent_id,
        plan.due_at,
        plan.digest,
    )


async def claim_due(conn: asyncpg.Connection, *, now: datetime) -> ActionMail | None:
    row = await conn.fetchrow(
        """select * from notifier.action_mails where status = 'pending' and due_at <= $1
           order by due_at limit 1 for update skip locked""",
        now,
    )
    return _mail(row) if row else None


async def claim_group(
    conn: asyncpg.Connection, *, first: ActionMail, now: datetime, limit: int
) -> list[ActionMail]:
    """The référent's other due e-mails of the same kind as `first` (`first` excluded by id:
    SKIP LOCKED does not skip rows this transaction already locked)."""
    rows = await conn.fetch(
        """select * from notifier.action_mails where status = 'pending' and due_at <= $2
             and referent_id = $1 and digest = $3 and item_id <> $4
           order by due_at limit $5 for update skip locked""",
        first.referent_id,
        now,
        first.digest,
        first.item_id,
        limit,
    )
    return [_mail(r) for r in rows]


async def finish(
    conn: asyncpg.Connection, *, item_ids: list[UUID], status: str, error: str | None = None
) -> None:
    await conn.execute(
        """update notifier.action_mails set status = $2, last_error = $3,
               attempts = attempts + 1, sent_at = case when $2 = 'sent' then now() end
           where item_id = any($1::uuid[])""",
        item_ids,
        status,
        error,
    )


async def postpone(
    conn: asyncpg.Connection, *, item_ids: list[UUID], until: datetime, error: str | None = None
) -> None:
    await conn.execute(
        """update notifier.action_mails set due_at = $2, last_error = coalesce($3, last_error),
               attempts = attempts + case when $3::text is null then 0 else 1 end
           where item_id = any($1::uuid[])""",
        item_ids,
        until,
        error,
    )


async def cancel(conn: asyncpg.Connection, *, item_ids: list[UUID]) -> None:
    """The person was erased: what was still to be sent about them is not."""
    await conn.execute(
        """update notifier.action_mails set status = 'cancelled', last_error = 'profil supprimé'
           where item_id = any($1::uuid[]) and status in ('waiting', 'pending')""",
        item_ids,
    )
