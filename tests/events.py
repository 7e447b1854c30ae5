"""Events the tests publish as the other services would."""

from __future__ import annotations

import uuid

from shared.contracts import MatchFound


def match_event(
    referent_id: uuid.UUID,
    structure: str,
    *,
    need_id: uuid.UUID | None = None,
    candidate_id: uuid.UUID | None = None,
    shared_with: list[str] | None = None,
    explanation: str = "Même métier : Maçon / Maçonne (F1703) · 12 km · permis B",
    score: float = 0.81,
    distance_km: float = 12.3,
) -> MatchFound:
    """A MatchFound as the matcher publishes it, for a référent the test knows."""
    return MatchFound(
        producer="test",
        payload={
            "match_id": uuid.uuid4(),
            "need_id": need_id or uuid.uuid4(),
            "candidate_id": candidate_id or uuid.uuid4(),
            "referent_id": referent_id,
            "structure": structure,
            "shared_with": shared_with or [],
            "need_version": 1,
            "profile_version": 1,
            "direction": "need_to_profiles",
            "rank": 1,
            "score": score,
            "threshold": 0.5,
            "score_parts": {
                "dense": 0.7,
                "lexical": 0.5,
                "rome": 1.0,
                "skills": 0.5,
                "distance_km": distance_km,
            },
            "explanation": explanation,
            "need": {
                "title": "Maçon / Maçonne",
                "employer_name": "Bâtir Garonne SARL",
                "federation": "BTP31",
                "rome_code": "F1703",
                "commune_insee": "31395",
                "commune_name": "Muret",
                "contract_type": "CDD",
                "hours_per_week": 35,
                "schedules": ["day", "early_morning"],
                "start_date": "2027-01-04",
            },
            "model_version": "test",
            "referential_version": "ROME v460",
            "inputs_hash": "0" * 64,
        },
    )
