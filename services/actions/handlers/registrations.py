"""Registering a person to a session, cancelling, recording attendance.

Each change is one transaction: the place taken or freed (sessions.registered, which the
database keeps within the capacity), the registration's new state, its RegistrationChanged in
the outbox and, when the places left changed, the action as it now stands (publish_action).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from services.actions.adapters import outbox, persons_repo
from services.actions.adapters import registrations_repo as repo
from services.actions.adapters.db import Conn
from services.actions.adapters.referents_repo import Referent
from services.actions.bootstrap import Services
from services.actions.domain import registrations as rules
from services.actions.domain.registrations import NotFound, Registration
from services.actions.handlers.publication import publish_action
from services.actions.settings import PRODUCER
from shared.contracts.actions import ActionKind, RegistrationChanged, RegistrationPayload
from shared.contracts.actions import RegistrationStatus as Status

_ALREADY = (
    "Cette personne est déjà inscrite à cette session, ou sur sa liste d'attente :"
    " retrouvez son inscription dans « Inscriptions de ma structure »."
)


@dataclass(frozen=True)
class Outcome:
    registration: Registration
    rank: int | None = None  # on the waiting list: 1 for the first


async def register(
    services: Services, referent: Referent, *, session_id: UUID, candidate_id: UUID
) -> Outcome:
    try:
        async with services.transaction() as conn:
            return await _register(conn, services, referent, session_id, candidate_id)
    except asyncpg.UniqueViolationError as exc:  # a live registration exists: all rolled back
        raise rules.AlreadyRegistered(_ALREADY) from exc


async def _register(
    conn: Conn, services: Services, referent: Referent, session_id: UUID, candidate_id: UUID
) -> Outcome:
    person = await persons_repo.get(conn, candidate_id)
    if person is None or not person.visible_to(referent.structure):
        raise NotFound("Personne introuvable dans votre structure.")
    session = await repo.session_state(conn, session_id)
    if session is None:
        raise NotFound("Session introuvable.")
    rules.check_can_register(person, session, services.clock())
    placed = await repo.take_place(conn, session_id)
    registration = await repo.insert(
        conn,
        registration_id=uuid.uuid4(),
        session=session,
        candidate_id=candidate_id,
        referent_id=referent.referent_id,
        structure=referent.structure,
        status=Status.REGISTERED if placed else Status.WAITING,
    )
    await _changed(conn, registration, previous=None)
    if placed:
        await publish_action(conn, session.action_id)
        return Outcome(registration)
    return Outcome(registration, rank=await repo.waiting_rank(conn, registration))


async def cancel(services: Services, referent: Referent, registration_id: UUID) -> Registration:
    """Only the structure that registered cancels; a place freed goes to the first waiting."""
    async with services.transaction() as conn:
        registration = await repo.get(conn, registration_id, for_update=True)
        if registration is None or not _registered_by(registration, referent):
            raise NotFound("Inscription introuvable.")
        session = await repo.session_state(conn, registration.session_id)
        assert session is not None  # a registration's session is deleted with it
        rules.check_can_cancel(registration.status, session, services.clock())
        cancelled = await cancel_in(conn, registration, announce=True)
        if registration.holds_place:
            await publish_action(conn, registration.action_id)
        return cancelled


async def cancel_in(conn: Conn, registration: Registration, *, announce: bool) -> Registration:
    """Cancel a live registration (its row locked by the caller) and give its place to the
    first on the waiting list. `announce`: publish the cancellation itself (not for an erased
    person, whom the other services forget on ProfileErased). The caller publishes the action
    if a place was freed, once all its sessions are changed: the action's row is locked last,
    in every transaction, so that none waits for another in a circle."""
    cancelled = await repo.set_status(conn, registration.registration_id, Status.CANCELLED)
    if announce:
        await _changed(conn, cancelled, previous=registration.status)
    if registration.holds_place:
        await repo.free_place(conn, registration.session_id)
        await _promote_first(conn, registration.session_id)
    return cancelled


async def _promote_first(conn: Conn, session_id: UUID) -> None:
    first = await repo.first_waiting(conn, session_id)
    if first is None or not await repo.take_place(conn, session_id):
        return  # nobody waits, or the session was cancelled meanwhile
    promoted = await repo.set_status(conn, first, Status.REGISTERED)
    await _changed(conn, promoted, previous=Status.WAITING, promoted=True)


async def record_attendance(
    services: Services,
    referent: Referent,
    registration_id: UUID,
    *,
    status: Status,
    outcome: str | None,
) -> Registration:
    """The providing structure says who came, and what came of it (a short note)."""
    if status not in rules.ATTENDANCE:
        raise ValueError("status must be present or absent")
    note = rules.clean_outcome(outcome)
    async with services.transaction() as conn:
        registration = await repo.get(conn, registration_id, for_update=True)
        if registration is None or registration.provider_structure != referent.structure:
            raise NotFound("Inscription introuvable.")
        session = await repo.session_state(conn, registration.session_id)
        assert session is not None
        rules.check_can_record_attendance(registration.status, session, services.clock())
        changed = await repo.set_status(conn, registration_id, status, outcome=note)
        await _changed(conn, changed, previous=registration.status)
        return changed


async def of_my_structure(
    services: Services, referent: Referent, *, candidate_id: UUID | None = None
) -> list[Registration]:
    async with services.pool.acquire() as conn:
        return await repo.of_structure(conn, referent.structure, candidate_id=candidate_id)


def _registered_by(registration: Registration, referent: Referent) -> bool:
    return registration.candidate_id is not None and registration.structure == referent.structure


async def _changed(
    conn: Conn, registration: Registration, *, previous: Status | None, promoted: bool = False
) -> None:
    if registration.candidate_id is None:
        return  # an erased person: nothing to tell about them
    payload = RegistrationPayload(
        registration_id=registration.registration_id,
        version=registration.version,
        action_id=registration.action_id,
        session_id=registration.session_id,
        candidate_id=registration.candidate_id,
        referent_id=registration.referent_id,
        structure=registration.structure,
        status=registration.status,
        previous_status=previous,
        promoted=promoted,
        outcome=registration.outcome,
        action_title=registration.action_title,
        action_kind=ActionKind(registration.action_kind),
        provider_structure=registration.provider_structure,
        rome_codes=list(registration.rome_codes),
        starts_at=registration.starts_at,
        ends_at=registration.ends_at,
    )
    await outbox.publish(conn, RegistrationChanged(producer=PRODUCER, payload=payload))
