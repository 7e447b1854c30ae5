"""The use cases of the federations' users: create one, list them, deactivate and reactivate.

Each change stores the row and its FederationUserUpserted in one transaction (the outbox): the
notifier, which owns sign-in, learns of the account (or of its deactivation, which ends its
sessions) from that event only.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from shared.contracts import FederationUserUpserted
from shared.contracts.federations import FederationUserPayload
from shared.outbox import enqueue_event

from .adapters import pg_federation_users as repo
from .adapters.pg_pool import connection, transaction
from .domain.federation_users import FederationUser, NewUser, UserNotFound
from .settings import PRODUCER, SCHEMA


def upserted(user: FederationUser) -> FederationUserUpserted:
    payload = FederationUserPayload(
        user_id=user.user_id,
        federation=user.federation,
        name=user.name,
        email=user.email,
        role=user.role,
        active=user.active,
    )
    return FederationUserUpserted(producer=PRODUCER, payload=payload)


async def create_user(pool: asyncpg.Pool, *, federation: str, user: NewUser) -> FederationUser:
    """EmailTaken when another account uses the address (nothing stored then)."""
    async with transaction(pool) as conn:
        return await create_user_in(conn, federation=federation, user=user)


async def create_user_in(
    conn: asyncpg.Connection, *, federation: str, user: NewUser
) -> FederationUser:
    """The same, inside the caller's transaction (the CLI's own connection)."""
    created = await repo.insert(conn, federation=federation, user=user)
    await enqueue_event(conn, schema=SCHEMA, event=upserted(created))
    return created


async def set_active(
    pool: asyncpg.Pool, *, federation: str, user_id: UUID, active: bool
) -> FederationUser:
    """UserNotFound for another federation's user, as for an unknown one."""
    async with transaction(pool) as conn:
        user = await repo.set_active(conn, federation=federation, user_id=user_id, active=active)
        if user is None:
            raise UserNotFound(user_id)
        await enqueue_event(conn, schema=SCHEMA, event=upserted(user))
    return user


async def get_user(pool: asyncpg.Pool, *, user_id: UUID) -> FederationUser | None:
    async with connection(pool) as conn:
        return await repo.get(conn, user_id=user_id)


async def users_of(pool: asyncpg.Pool, *, federation: str) -> list[FederationUser]:
    async with connection(pool) as conn:
        return await repo.of_federation(conn, federation=federation)
