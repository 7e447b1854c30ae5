"""An action's proposal to a person: the ActionProposed to publish and its audit row."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from services.matcher.adapters import actions_store as store
from services.matcher.domain import proposal_text
from services.matcher.domain.actions import Action
from services.matcher.domain.discovery import NEARBY_KM, Pick
from services.matcher.domain.model import Profile, profile_to_dict
from services.matcher.mapping import PRODUCER
from services.matcher.pipeline import Pipeline
from shared.contracts.actions import (
    ActionKind,
    ActionProposalPayload,
    ActionProposed,
    ProposalReason,
    ProposedActionSummary,
)

_NS = uuid.UUID("a3c5e0f2-6b1d-4e8a-9c47-2d5f8b1e6a90")


def proposal_id(candidate_id: str, action_id: str) -> uuid.UUID:
    return uuid.uuid5(_NS, f"{candidate_id}|{action_id}")


def inputs_hash(profile: Profile, action: Action) -> str:
    """SHA-256 of the profile (without routing) and the action as matched."""
    person = profile_to_dict(profile)
    person.pop("routing", None)
    sessions = [
        [
            s.session_id,
            s.starts_at.isoformat(),
            s.ends_at.isoformat(),
            sorted(s.schedules),
            s.places_left,
        ]
        for s in sorted(action.sessions, key=lambda s: s.session_id)
    ]
    data = {
        "profile": person,
        "action": [
            action.action_id,
            action.version,
            list(action.rome_codes),
            action.commune_insee,
            action.remote,
            sessions,
        ],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def to_event(
    p: Pick, profile: Profile, pipeline: Pipeline, correlation_id: uuid.UUID | None
) -> tuple[ActionProposed, dict[str, Any]]:
    """The ActionProposed to publish and its audit row."""
    label = pipeline.resolver.label
    action, session, trade = p.fit.action, p.fit.session, p.trade
    commune = pipeline.resolver.snapshot.commune(action.commune_insee or "")
    reason = ProposalReason(
        kind="souhait" if trade.wished else "decouverte",
        rome_code=trade.code,
        rome_label=label(trade.code),
        transferable_skills=list(trade.transferable),
        mobilite_from=trade.mobilite_from,
        open_needs_nearby=trade.open_nearby,
        nearby_km=NEARBY_KM,
        mixite=trade.mixite,
    )
    km = None if p.fit.distance_km is None else round(p.fit.distance_km, 1)
    payload = ActionProposalPayload(
        proposal_id=proposal_id(profile.candidate_id, action.action_id),
        action_id=uuid.UUID(action.action_id),
        session_id=uuid.UUID(session.session_id),
        candidate_id=uuid.UUID(profile.candidate_id),
        referent_id=uuid.UUID(profile.routing["referent_id"]),
        structure=profile.routing["structure"],
        shared_with=list(profile.routing.get("shared_with", [])),
        profile_version=profile.version,
        action_version=action.version,
        reason=reason,
        distance_km=km,
        explanation=proposal_text.explain(p, label=label),
        action=ProposedActionSummary(
            title=action.title,
            kind=ActionKind(action.kind),
            provider_structure=action.provider_structure,
            commune_insee=action.commune_insee,
            commune_name=commune.nom if commune else None,
            remote=action.remote,
            session_id=uuid.UUID(session.session_id),
            starts_at=session.starts_at,
            ends_at=session.ends_at,
        ),
        referential_version=pipeline.referential_version,
        inputs_hash=inputs_hash(profile, action),
    )
    event = ActionProposed(producer=PRODUCER, correlation_id=correlation_id, payload=payload)
    row = {
        **payload.model_dump(include=set(store.PROPOSAL_COLUMNS)),
        "rome_code": trade.code,
        "discovery": not trade.wished,
        "reason": reason.model_dump(mode="json"),
    }
    return event, row
