"""Rank one need and one profile at start, storing and sending nothing.

A matcher just started pays, on its first real messages, for everything done once: the
encoder's first runs, the index's first reads of each segment, the referential's lookups.
Measured after a restart at 5 needs + 5 profile updates a second on 100k profiles: the first
~15 s of alerts took up to 1 s each, against ~200 ms after. Done before the subscribers start,
that cost falls on the start instead.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from uuid import uuid4

from services.matcher.domain.model import Consent, Need, Profile
from services.matcher.pipeline import Pipeline
from shared.referential.snapshot import Snapshot

log = logging.getLogger("spie.matcher")

TITLE = "Agent d'entretien des locaux"


async def warm_up(pipeline: Pipeline, snapshot: Snapshot, *, at: datetime) -> None:
    """Both directions of the pipeline once, in the most populous commune."""
    if not snapshot.communes:
        return
    started = time.monotonic()
    commune = max(snapshot.communes.values(), key=lambda c: c.population or 0).code_insee
    need = Need(need_id=str(uuid4()), version=1, title=TITLE, commune_insee=commune)
    consent = Consent(granted_at=at - timedelta(days=1), expires_at=at + timedelta(days=1))
    profile = Profile(
        candidate_id=str(uuid4()),
        version=1,
        consent=consent,
        desired_jobs=(TITLE,),
        commune_insee=commune,
        mobility_km=30,
    )
    await pipeline.rank_for_need(need, at=at)
    await pipeline.rank_for_profile(profile, at=at)
    log.info("warmed up", extra={"fields": {"seconds": round(time.monotonic() - started, 2)}})
