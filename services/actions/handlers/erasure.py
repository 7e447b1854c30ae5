"""Erasing a person from this service: the one place that knows every table naming them.

A module that keeps a person's id in a table of its own adds its eraser to `ERASERS` (in this
file, so that a reviewer sees them all at once); `erase_person` runs them in order, in the
caller's transaction. Nothing personal is logged: the id itself is not.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

from services.actions.adapters import coordination_repo, persons_repo
from services.actions.adapters import registrations_repo as registrations
from services.actions.adapters.db import Conn
from services.actions.handlers.publication import publish_action
from services.actions.handlers.registrations import cancel_in

Eraser = Callable[[Conn, UUID], Awaitable[None]]


async def _registrations(conn: Conn, candidate_id: UUID) -> None:
    """Live registrations are cancelled (a place freed goes to the first waiting), then every
    row forgets the person: the counts of places and attendance stay."""
    freed: set[UUID] = set()  # the actions whose places left changed
    for registration_id in await registrations.live_of_candidate(conn, candidate_id):
        registration = await registrations.get(conn, registration_id, for_update=True)
        if registration is not None:
            await cancel_in(conn, registration, announce=False)
            if registration.holds_place:
                freed.add(registration.action_id)
    await registrations.forget_candidate(conn, candidate_id)
    for action_id in sorted(freed):
        await publish_action(conn, action_id)


# In order: what refers to the person first, the person's row last.
ERASERS: list[Eraser] = [
    _registrations,
    coordination_repo.forget_person,  # the coordination view's proposals, follow-ups, matches
    persons_repo.delete,
]


async def erase_person(conn: Conn, candidate_id: UUID) -> None:
    for erase in ERASERS:
        await erase(conn, candidate_id)
