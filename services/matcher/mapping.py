"""Wire events to the matcher's domain, and proposals back to MatchFound with their audit row."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any, Literal

from services.matcher.adapters.pg_repository import MATCH_COLUMNS
from services.matcher.domain.model import Consent, Need, Profile, need_to_dict, profile_to_dict
from services.matcher.domain.trades import Reading
from services.matcher.pipeline import Pipeline, Proposal
from shared.contracts import MatchFound, NeedSummary, NeedTradesRead, ScoreParts
from shared.contracts.matches import MatchPayload
from shared.contracts.needs import NeedPayload
from shared.contracts.profiles import ProfilePayload
from shared.contracts.trades import MAX_TRADES, NeedTradesPayload, TradeRead

_MATCH_NS = uuid.UUID("0b7c59a4-31d2-4f55-9d3c-6a2e1b5f7c11")
PRODUCER = "matcher"


def need_from_payload(p: NeedPayload) -> Need:
    summary = NeedSummary(
        title=p.title,
        employer_name=p.employer_name,
        federation=p.federation,
        rome_code=p.rome_code,
        rome_label=p.rome_label,
        commune_insee=p.commune_insee,
        contract_type=p.contract_type,
        hours_per_week=p.hours_per_week,
        schedules=p.schedules,
        start_date=p.start_date.isoformat() if p.start_date else None,
        # Ground and article only: an event written before the sentence was left out of it
        # still carries the sentence, which the référent's alert must not repeat.
        compliance_flags=[f.model_copy(update={"sentence": None}) for f in p.compliance_flags],
    )
    return Need(
        need_id=str(p.need_id),
        version=p.version,
        title=p.title,
        commune_insee=p.commune_insee,
        description=p.description,
        rome_code=p.rome_code,
        skills=tuple(p.skills),
        driving_licence_required=p.driving_licence_required,
        schedules=frozenset(s.value for s in p.schedules),
        open_to_beginners=p.open_to_beginners,
        start_date=p.start_date,
        summary=summary.model_dump(mode="json"),
    )


def trades_read(
    need: Need, reading: Reading, *, pipeline: Pipeline, correlation_id: uuid.UUID | None
) -> NeedTradesRead:
    """The need's trades as the matcher reads them, for its federation (a need is not
    personal; a profile's reading is never published)."""
    label = pipeline.resolver.label
    trades = [
        TradeRead(rome_code=c, rome_label=label(c), probability=p)
        for c, p in reading.fiches[:MAX_TRADES]
    ]
    payload = NeedTradesPayload(
        need_id=uuid.UUID(need.need_id),
        need_version=need.version,
        trades=trades,
        rome_code=reading.code,
        model_version=pipeline.model_version,
    )
    return NeedTradesRead(producer=PRODUCER, correlation_id=correlation_id, payload=payload)


def profile_from_payload(p: ProfilePayload) -> Profile:
    c = p.consent
    return Profile(
        candidate_id=str(p.candidate_id),
        version=p.version,
        consent=Consent(c.granted_at, c.expires_at, c.withdrawn_at, tuple(c.purposes)),
        desired_jobs=tuple(p.desired_jobs),
        desired_rome_codes=tuple(p.desired_rome_codes),
        experience=p.experience,
        skills=tuple(p.skills),
        commune_insee=p.commune_insee,
        mobility_km=p.mobility_km,
        has_driving_licence=p.has_driving_licence,
        unavailable_schedules=frozenset(s.value for s in p.unavailable_schedules),
        available_from=p.available_from,
        routing={
            "referent_id": str(p.referent_id),
            "structure": p.structure,
            "shared_with": list(p.shared_with),
        },
    )


def inputs_hash(need: Need, profile: Profile) -> str:
    """SHA-256 of both documents as matched (no routing data: it does not change a score):
    of `{"need": ..., "profile": ...}` in sorted-key JSON, each document written once for the
    proposals of a batch that share it (a need's ten profiles, a profile's ten needs)."""
    text = f'{{"need": {_need_json(need)}, "profile": {_profile_json(profile)}}}'
    return hashlib.sha256(text.encode()).hexdigest()


def _need_json(need: Need) -> str:
    return _written(need, lambda: {k: v for k, v in need_to_dict(need).items() if k != "summary"})


def _profile_json(profile: Profile) -> str:
    return _written(
        profile, lambda: {k: v for k, v in profile_to_dict(profile).items() if k != "routing"}
    )


_WRITTEN: dict[int, tuple[object, str]] = {}


def _written(document: object, as_dict: Callable[[], dict[str, Any]]) -> str:
    """The document's sorted-key JSON, kept for the few documents seen last (by identity: the
    object is held with its text, so its id cannot be reused meanwhile; documents are frozen)."""
    kept = _WRITTEN.get(id(document))
    if kept is not None and kept[0] is document:
        return kept[1]
    if len(_WRITTEN) >= 256:
        _WRITTEN.clear()
    text = json.dumps(as_dict(), sort_keys=True, default=str)
    _WRITTEN[id(document)] = (document, text)
    return text


def match_id(need: Need, profile: Profile) -> uuid.UUID:
    """The same pair at the same versions always gets the same id (replays are recognisable)."""
    key = f"{need.need_id}|{profile.candidate_id}|{need.version}|{profile.version}"
    return uuid.uuid5(_MATCH_NS, key)


def to_event(
    p: Proposal,
    *,
    pipeline: Pipeline,
    direction: Literal["need_to_profiles", "profile_to_needs"],
    correlation_id: uuid.UUID | None,
) -> tuple[MatchFound, dict[str, Any]]:
    """The MatchFound to publish and the audit row to store, from one proposal."""
    need, profile = p.need, p.profile
    codes = pipeline.need_codes(need)
    summary = dict(need.summary)
    if codes and not summary.get("rome_code"):
        summary["rome_code"] = codes[0]
    if summary.get("rome_code") and not summary.get("rome_label"):
        summary["rome_label"] = pipeline.resolver.label(summary["rome_code"])
    commune = pipeline.resolver.snapshot.commune(need.commune_insee)
    summary.setdefault("commune_name", commune.nom if commune else None)
    parts = p.parts
    payload = MatchPayload(
        match_id=match_id(need, profile),
        need_id=uuid.UUID(need.need_id),
        candidate_id=uuid.UUID(profile.candidate_id),
        referent_id=uuid.UUID(profile.routing["referent_id"]),
        structure=profile.routing["structure"],
        shared_with=profile.routing.get("shared_with", []),
        need_version=need.version,
        profile_version=profile.version,
        direction=direction,
        rank=p.rank,
        score=p.score,
        threshold=pipeline.settings.threshold,
        score_parts=ScoreParts(
            dense=round(parts.dense, 6),
            lexical=round(parts.lexical, 6),
            rome=parts.rome,
            skills=parts.skills or 0.0,
            distance_km=round(parts.distance_km, 2),
        ),
        explanation=p.explanation,
        need=NeedSummary.model_validate(summary),
        model_version=pipeline.model_version,
        referential_version=pipeline.referential_version,
        inputs_hash=inputs_hash(need, profile),
    )
    event = MatchFound(producer=PRODUCER, correlation_id=correlation_id, payload=payload)
    row = {
        # Every audit column but score_parts comes as it is in the event.
        **payload.model_dump(include=set(MATCH_COLUMNS) - {"score_parts", "federation"}),
        "federation": payload.need.federation,
        "score_parts": {
            "dense": parts.dense,
            "lexical": parts.lexical,
            "rome": parts.rome,
            "skills": parts.skills,
            "bonus": parts.bonus,
            "distance_km": parts.distance_km,
        },
    }
    return event, row
