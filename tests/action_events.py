"""Events of the banque d'actions commune, as the matcher and the actions service publish them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from shared.contracts.actions import ActionProposed, RegistrationChanged

STARTS = datetime(2027, 1, 12, 8, tzinfo=UTC)  # 09:00 in Toulouse


def proposal_event(
    referent_id: uuid.UUID,
    structure: str,
    *,
    candidate_id: uuid.UUID | None = None,
    shared_with: list[str] | None = None,
    discovery: bool = True,
    remote: bool = False,
    title: str = "Découvrir les métiers de la couverture",
) -> ActionProposed:
    """An ActionProposed: a session of an action proposed for a person of `referent_id`."""
    return ActionProposed(
        producer="test",
        payload={
            "proposal_id": uuid.uuid4(),
            "action_id": uuid.uuid4(),
            "session_id": uuid.uuid4(),
            "candidate_id": candidate_id or uuid.uuid4(),
            "referent_id": referent_id,
            "structure": structure,
            "shared_with": shared_with or [],
            "profile_version": 1,
            "action_version": 1,
            "reason": {
                "kind": "decouverte" if discovery else "souhait",
                "rome_code": "F1610" if discovery else "F1703",
                "rome_label": "Couvreur / Couvreuse" if discovery else "Maçon / Maçonne",
                "transferable_skills": ["travail en hauteur"],
                "open_needs_nearby": 12,
                "nearby_km": 20,
                "mixite": discovery,
            },
            "distance_km": None if remote else 8.0,
            "explanation": "Métier à découvrir : Couvreur / Couvreuse (F1610) · compétences "
            "transférables : travail en hauteur · 12 offres ouvertes à moins de 20 km",
            "action": {
                "title": title,
                "kind": "decouverte_metiers",
                "provider_structure": "AFPA",
                "commune_insee": None if remote else "31395",
                "commune_name": None if remote else "Muret",
                "remote": remote,
                "session_id": uuid.uuid4(),
                "starts_at": STARTS,
                "ends_at": STARTS + timedelta(hours=3),
            },
            "referential_version": "ROME v460",
            "inputs_hash": "0" * 64,
        },
    )


def registration_event(
    candidate_id: uuid.UUID,
    referent_id: uuid.UUID,
    structure: str,
    *,
    status: str = "inscrit",
    version: int = 1,
    registration_id: uuid.UUID | None = None,
    promoted: bool = False,
    outcome: str | None = None,
    title: str = "Visite du chantier de la Cartoucherie",
) -> RegistrationChanged:
    """A RegistrationChanged as the actions service publishes it."""
    return RegistrationChanged(
        producer="test",
        payload={
            "registration_id": registration_id or uuid.uuid4(),
            "version": version,
            "action_id": uuid.uuid4(),
            "session_id": uuid.uuid4(),
            "candidate_id": candidate_id,
            "referent_id": referent_id,
            "structure": structure,
            "status": status,
            "promoted": promoted,
            "outcome": outcome,
            "action_title": title,
            "action_kind": "visite_entreprise",
            "provider_structure": "FACE Grand Toulouse",
            "rome_codes": ["F1703"],
            "starts_at": STARTS,
            "ends_at": STARTS + timedelta(hours=3),
        },
    )
