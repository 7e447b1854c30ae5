"""What the catalogue tells the others: an action as it now stands, after any change.

Call `publish_action` in the same transaction as the change (a new action, an edit, a closed
action, a session added, a place taken or freed): the outbox then carries exactly the state
that was committed, and the places left the matcher reads are those of that moment.
"""

from __future__ import annotations

from uuid import UUID

from services.actions.adapters import catalogue_repo, outbox
from services.actions.adapters.db import Conn
from services.actions.domain.model import Action
from services.actions.settings import PRODUCER
from shared.contracts.actions import ActionPayload, ActionPublished, ActionSession


def payload_of(action: Action) -> ActionPayload:
    return ActionPayload(
        action_id=action.action_id,
        version=action.version,
        status="closed" if action.status == "closed" else "open",
        kind=action.kind,
        provider_structure=action.provider_structure,
        title=action.title,
        description=action.description,
        rome_codes=list(action.rome_codes),
        publics=list(action.publics),
        commune_insee=action.commune_insee,
        remote=action.remote,
        prerequisites=action.prerequisites,
        accessibility=action.accessibility,
        sessions=[
            ActionSession(
                session_id=s.session_id,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                schedules=list(s.schedules),
                capacity=s.capacity,
                places_left=s.places_left,
            )
            for s in action.sessions
            if not s.cancelled
        ],
    )


async def publish_action(conn: Conn, action_id: UUID, *, bump: bool = True) -> Action:
    """Raise the action's version (unless the caller already did) and queue its state."""
    if bump:
        await conn.execute(
            "update actions.actions set version = version + 1, updated_at = now()"
            " where action_id = $1",
            action_id,
        )
    action = await catalogue_repo.get(conn, action_id)
    if action is None:
        raise LookupError(f"no action {action_id}")
    await outbox.publish(conn, ActionPublished(producer=PRODUCER, payload=payload_of(action)))
    return action
