"""Référents of the providing structure publish and keep their actions.

Each change is one transaction with `publish_action`, so ActionPublished carries exactly what was
committed (version 1 on creation, one more at each change). An action of another structure is
reported as not found: its existence is no business of someone who may not change it.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from services.actions.adapters import catalogue_repo, catalogue_store
from services.actions.adapters.catalogue_store import BelowPlacesTaken
from services.actions.adapters.db import Conn
from services.actions.adapters.referents_repo import Referent
from services.actions.bootstrap import Services
from services.actions.domain.catalogue import (
    MAX_SESSIONS,
    TOO_MANY_SESSIONS,
    ActionInput,
    Invalid,
    SessionInput,
    check_action,
    check_session,
    read_capacity,
)
from services.actions.domain.model import Action
from services.actions.handlers.publication import publish_action


class ActionNotFound(LookupError):
    """No such action, or one this référent's structure does not provide."""


class ActionClosed(RuntimeError):
    """The action was withdrawn from the catalogue: it changes no more."""


async def create_action(
    services: Services, referent: Referent, given: ActionInput, sessions: Sequence[SessionInput]
) -> Action:
    draft = check_action(given, services.referential)
    now = services.clock()
    if not sessions:
        raise Invalid({"sessions": "Ajoutez au moins une séance (date, horaires, places)."})
    errors: dict[str, str] = {}
    drafts = []
    for i, session in enumerate(sessions):
        try:
            drafts.append(check_session(session, now))
        except Invalid as exc:
            errors |= {f"sessions.{i}.{k}": v for k, v in exc.errors.items()}
    if errors:
        raise Invalid(errors)
    async with services.transaction() as conn:
        action_id = await catalogue_store.insert_action(
            conn, draft, provider=referent.structure, created_by=referent.referent_id
        )
        for session_draft in drafts:
            await catalogue_store.insert_session(conn, action_id, session_draft)
        return await publish_action(conn, action_id, bump=False)


async def edit_action(
    services: Services, referent: Referent, action_id: UUID, given: ActionInput
) -> Action:
    draft = check_action(given, services.referential)
    async with services.transaction() as conn:
        await _changeable(conn, referent, action_id)
        await catalogue_store.update_action(conn, action_id, draft)
        return await publish_action(conn, action_id)


async def add_session(
    services: Services, referent: Referent, action_id: UUID, given: SessionInput
) -> Action:
    draft = check_session(given, services.clock())
    async with services.transaction() as conn:
        action = await _changeable(conn, referent, action_id)
        if live_sessions(action) >= MAX_SESSIONS:
            raise Invalid({"starts_at": TOO_MANY_SESSIONS})
        await catalogue_store.insert_session(conn, action_id, draft)
        return await publish_action(conn, action_id)


async def change_capacity(
    services: Services, referent: Referent, action_id: UUID, session_id: UUID, capacity: object
) -> Action:
    """Never below the places taken: the database's check refuses it, said on the field."""
    places = read_capacity(capacity if isinstance(capacity, int | str) else None)
    if places is None:
        raise Invalid({"capacity": "Indiquez un nombre de places entre 1 et 10 000."})
    async with services.transaction() as conn:
        action = await _changeable(conn, referent, action_id)
        if action.session(session_id) is None:
            raise ActionNotFound(session_id)
        try:
            await catalogue_store.set_capacity(conn, session_id, places)
        except BelowPlacesTaken as exc:
            raise Invalid({"capacity": below_taken(exc.registered)}) from exc
        return await publish_action(conn, action_id)


async def close_action(services: Services, referent: Referent, action_id: UUID) -> Action:
    async with services.transaction() as conn:
        await _changeable(conn, referent, action_id)
        await catalogue_store.close_action(conn, action_id)
        return await publish_action(conn, action_id)


def live_sessions(action: Action) -> int:
    return sum(not s.cancelled for s in action.sessions)


def below_taken(registered: int) -> str:
    s = "s" if registered > 1 else ""
    return (
        f"{registered} place{s} déjà prise{s} : indiquez au moins {registered} places,"
        " ou annulez d'abord des inscriptions."
    )


async def changeable_action(services: Services, referent: Referent, action_id: UUID) -> Action:
    """The action as its provider sees it before a change (the pages' forms)."""
    async with services.pool.acquire() as conn:
        action = await catalogue_repo.get(conn, action_id)
    if action is None or not action.editable_by(referent.structure):
        raise ActionNotFound(action_id)
    return action


async def _changeable(conn: Conn, referent: Referent, action_id: UUID) -> Action:
    """The action locked for a change by its provider; ActionNotFound for anyone else."""
    action = await catalogue_repo.get(conn, action_id, for_update=True)
    if action is None or not action.editable_by(referent.structure):
        raise ActionNotFound(action_id)
    if action.status == "closed":
        raise ActionClosed(action_id)
    return action
