"""A small hand-built world for the proposals of actions: open needs near Toulouse, a person
who wishes to serve in restaurants, and actions with fitting and unfitting sessions side by side."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from services.matcher import action_proposals
from services.matcher.domain.actions import Action, Session
from services.matcher.domain.discovery import Asked
from services.matcher.domain.model import Profile
from services.matcher.pipeline import Pipeline
from tests.unit.matcher.factories import NOW, TOULOUSE, profile

IN_A_WEEK = (NOW + timedelta(days=7)).date()

# What employers within 20 km of Toulouse ask now, by trade.
NEEDS = (
    # Roofers asked twice: two of the person's skills are theirs.
    Asked("F1619", 2, ("Travail en hauteur", "Lecture de plans", "Pose de tuiles", "Zinguerie")),
    # Cashiers: a ROME mobilité of waiting tables (G1803 -> D1505).
    Asked("D1505", 1, ("Encaissement",)),
    # An electrician shares one skill only: not enough to propose the trade.
    Asked("F1602", 1, ("Lecture de plans", "Câblage")),
)


def neutral(pipeline: Pipeline, needs: Iterable[Asked]) -> list[Asked]:
    """What the matcher reads of the needs asked (action_proposals.asked_near)."""
    return [action_proposals.neutral_asked(pipeline, a) for a in needs]


def person(**changes: Any) -> Profile:
    base = profile(
        desired_jobs=(),
        desired_rome_codes=("G1803",),
        skills=("travail en hauteur", "lecture de plans", "accueil de la clientèle"),
        experience="Deux ans de service en salle.",
        commune_insee=TOULOUSE,
        mobility_km=30,
        unavailable_schedules=frozenset({"weekend"}),
        available_from=IN_A_WEEK,
    )
    return replace(base, **changes)


def session(days: float, *, places: int = 5, schedules: tuple[str, ...] = ("day",)) -> Session:
    start: datetime = NOW + timedelta(days=days)
    return Session(
        str(uuid.uuid4()), start, start + timedelta(hours=3), frozenset(schedules), places
    )


def action(codes: tuple[str, ...], commune: str | None, *sessions: Session, **kw: Any) -> Action:
    return Action(
        action_id=str(uuid.uuid4()),
        version=1,
        rome_codes=codes,
        commune_insee=commune,
        remote=commune is None,
        title=kw.pop("title", "Découverte"),
        kind=kw.pop("kind", "decouverte_metiers"),
        provider_structure="AFPA",
        sessions=sessions,
        **kw,
    )
