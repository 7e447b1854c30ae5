"""Rows and events for the coordination view's tests: actions, sessions and registrations
written straight into the schema (as the catalogue and registrations would leave them), and
the other services' events built as they publish them."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from services.actions.adapters.db import Conn
from shared.contracts.actions import ActionProposalFeedbackGiven, ActionProposed
from shared.contracts.matches import MatchFound
from shared.contracts.notifications import MatchFeedbackGiven
from tests.events import match_event


async def action(
    conn: Conn, *, kind: str, provider: str, publics: list[str], rome: list[str] | None = None
) -> UUID:
    return await conn.fetchval(  # type: ignore[no-any-return]
        """
        insert into actions.actions
               (action_id, kind, provider_structure, title, publics, rome_codes,
                commune_insee, created_by)
        values ($1, $2, $3, 'Action de test', $4, $5, '31555', $1) returning action_id
        """,
        uuid.uuid4(),
        kind,
        provider,
        publics,
        rome or [],
    )


async def session(
    conn: Conn,
    action_id: UUID,
    starts_at: datetime,
    *,
    capacity: int = 10,
    registered: int = 0,
    cancelled: bool = False,
) -> UUID:
    return await conn.fetchval(  # type: ignore[no-any-return]
        """
        insert into actions.sessions
               (session_id, action_id, starts_at, ends_at, capacity, registered, cancelled)
        values ($1, $2, $3::timestamptz, $3::timestamptz + interval '3 hours', $4, $5, $6)
        returning session_id
        """,
        uuid.uuid4(),
        action_id,
        starts_at,
        capacity,
        registered,
        cancelled,
    )


async def registration(
    conn: Conn,
    session_id: UUID,
    status: str,
    *,
    candidate_id: UUID | None = None,
    created_at: datetime,
) -> None:
    await conn.execute(
        """
        insert into actions.registrations
               (registration_id, session_id, action_id, candidate_id, referent_id, structure,
                status, waiting_since, created_at)
        select $1, s.session_id, s.action_id, $2, $1, 'CD31', $3,
               case when $3::text = 'liste_attente' then $4::timestamptz end, $4
          from actions.sessions s where s.session_id = $5
        """,
        uuid.uuid4(),
        candidate_id or uuid.uuid4(),
        status,
        created_at,
        session_id,
    )


def proposed(candidate_id: UUID, rome: str, when: datetime, *, discovery: bool) -> ActionProposed:
    ids = {"proposal_id": uuid.uuid4(), "action_id": uuid.uuid4(), "session_id": uuid.uuid4()}
    return ActionProposed.model_validate(
        {
            "producer": "matcher",
            "occurred_at": when,
            "payload": {
                **ids,
                "candidate_id": candidate_id,
                "referent_id": uuid.uuid4(),
                "structure": "CD31",
                "profile_version": 1,
                "action_version": 1,
                "reason": {
                    "kind": "decouverte" if discovery else "souhait",
                    "rome_code": rome,
                    "rome_label": "Métier",
                    "open_needs_nearby": 12,
                    "nearby_km": 20,
                },
                "explanation": "Métier à découvrir",
                "action": {
                    "title": "Découvrir le métier",
                    "kind": "decouverte_metiers",
                    "provider_structure": "AFPA",
                    "commune_insee": "31555",
                    "session_id": ids["session_id"],
                    "starts_at": when,
                    "ends_at": when,
                },
                "referential_version": "ROME v460",
                "inputs_hash": "0" * 64,
            },
        }
    )


def followed(
    proposal: ActionProposed, decision: str, when: datetime, reason: str | None = None
) -> ActionProposalFeedbackGiven:
    p = proposal.payload
    return ActionProposalFeedbackGiven.model_validate(
        {
            "producer": "notifier",
            "occurred_at": when,
            "payload": {
                "proposal_id": p.proposal_id,
                "action_id": p.action_id,
                "candidate_id": p.candidate_id,
                "referent_id": p.referent_id,
                "rome_code": p.reason.rome_code,
                "discovery": p.reason.kind == "decouverte",
                "decision": decision,
                "reason": reason,
            },
        }
    )


def matched(candidate_id: UUID, rome: str, when: datetime) -> MatchFound:
    event = match_event(uuid.uuid4(), "CD31", candidate_id=candidate_id)
    need = event.payload.need.model_copy(update={"rome_code": rome})
    payload = event.payload.model_copy(update={"need": need})
    return event.model_copy(update={"payload": payload, "occurred_at": when})


def decided(match: MatchFound, decision: str, when: datetime) -> MatchFeedbackGiven:
    p = match.payload
    return MatchFeedbackGiven.model_validate(
        {
            "producer": "notifier",
            "occurred_at": when,
            "payload": {
                "match_id": p.match_id,
                "need_id": p.need_id,
                "candidate_id": p.candidate_id,
                "referent_id": p.referent_id,
                "decision": decision,
            },
        }
    )
