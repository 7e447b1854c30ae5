"""Events leave through the transactional outbox of schema `actions`."""

from __future__ import annotations

from typing import cast

import asyncpg

from services.actions.adapters.db import Conn
from services.actions.settings import SCHEMA
from shared.contracts import Event
from shared.outbox import enqueue_event


async def publish(conn: Conn, event: Event) -> None:
    # shared.outbox is typed for a bare connection; a pool's proxy forwards every call to one.
    await enqueue_event(cast(asyncpg.Connection, conn), schema=SCHEMA, event=event)
