"""A need's results as its federation reads them: counts that name no one, small ones masked.

Any count under 5 reads "moins de 5" (a small count could point at a person); so does what a
relaxation adds when either count it is the difference of is under 5, so that no small number
can be worked out by subtracting two figures shown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.contracts import FeedbackDecision, NeedReachPayload

SMALL = 5
MASKED = "moins de 5"

DECISIONS: dict[str, str] = {
    FeedbackDecision.PROPOSED: "Proposé au recruteur",
    FeedbackDecision.CONTACTED: "Personne contactée par son référent",
    FeedbackDecision.INTERVIEW: "Entretien",
    FeedbackDecision.HIRED: "Embauché",
    FeedbackDecision.NOT_RELEVANT: "Pas pertinent",
}
REASONS: dict[str, str] = {
    "metier_different": "métier différent",
    "trop_loin": "trop loin",
    "horaires_incompatibles": "horaires incompatibles",
    "deja_en_emploi": "déjà en emploi",
    "pas_disponible": "pas disponible",
    "autre": "autre raison",
}
SCHEDULES: dict[str, str] = {
    "day": "le travail de jour",
    "early_morning": "le travail tôt le matin",
    "night": "le travail de nuit",
    "weekend": "le travail le week-end",
}
RELAXATIONS: dict[str, str] = {
    "sans_permis": "Sans permis exigé",
    "plus_10_km": "Avec 10 km de plus de trajet accepté",
    "plus_20_km": "Avec 20 km de plus de trajet accepté",
    "debutants": "Ouvert aux débutants",
    "un_mois_plus_tard": "Avec un démarrage un mois plus tard",
}


def shown(count: int) -> str:
    return MASKED if count < SMALL else str(count)


def extra(base: int, relaxed: int) -> str:
    """What a relaxation adds, as shown: masked when it or either side is small."""
    added = relaxed - base
    return MASKED if min(base, relaxed, added) < SMALL else str(added)


def relaxation_label(name: str) -> str:
    if name.startswith("sans_horaire:"):
        schedule = name.split(":", 1)[1]
        return f"Sans {SCHEDULES.get(schedule, schedule)}"
    return RELAXATIONS.get(name, name)


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    shown: str
    count: int  # for the chart's scale only: never printed when masked
    masked: bool


@dataclass(frozen=True, slots=True)
class Results:
    compatible: Line
    proposals: Line
    funnel: tuple[Line, ...]  # the référents' decisions, in the order of a hiring
    reasons: tuple[Line, ...]  # why "pas pertinent"
    what_if: tuple[Line, ...]  # "12 profils de plus"

    @property
    def chart(self) -> tuple[Line, ...]:
        return (self.compatible, self.proposals, *self.funnel)


def _line(label: str, count: int) -> Line:
    return Line(label, shown(count), count, count < SMALL)


def results_of(reach: NeedReachPayload) -> Results:
    outcomes = reach.outcomes
    funnel = tuple(_line(label, outcomes.get(str(d), 0)) for d, label in DECISIONS.items())
    reasons = tuple(
        _line(label, outcomes[f"{FeedbackDecision.NOT_RELEVANT}:{code}"])
        for code, label in REASONS.items()
        if f"{FeedbackDecision.NOT_RELEVANT}:{code}" in outcomes
    )
    what_if = tuple(
        Line(
            relaxation_label(w.relaxation),
            extra(reach.compatible, w.compatible),
            w.compatible - reach.compatible,
            extra(reach.compatible, w.compatible) == MASKED,
        )
        for w in reach.what_if
    )
    return Results(
        compatible=_line("Profils compatibles aujourd'hui", reach.compatible),
        proposals=_line("Propositions envoyées aux référents", reach.proposals),
        funnel=funnel,
        reasons=reasons,
        what_if=what_if,
    )


@dataclass(frozen=True, slots=True)
class Week:
    """The needs a federation posted one week, and what came of their proposals so far."""

    start: date
    needs: Line
    proposals: Line
    interviews: Line
    hired: Line
    not_relevant: Line


WEEK_OUTCOMES = (
    ("interviews", FeedbackDecision.INTERVIEW),
    ("hired", FeedbackDecision.HIRED),
    ("not_relevant", FeedbackDecision.NOT_RELEVANT),
)


def weeks_of(rows: Iterable[tuple[date, Mapping[str, Any] | None]]) -> list[Week]:
    """Totals per week of posting, the latest first; a need not counted yet counts as posted."""
    totals: dict[date, Counter[str]] = defaultdict(Counter)
    for week, reach in rows:
        total = totals[week]
        total["needs"] += 1
        if reach is not None:
            total["proposals"] += int(reach.get("proposals", 0))
            outcomes = reach.get("outcomes", {})
            for key, decision in WEEK_OUTCOMES:
                total[key] += int(outcomes.get(str(decision), 0))
    return [
        Week(
            start=week,
            needs=_line("Besoins publiés", t["needs"]),
            proposals=_line("Propositions envoyées", t["proposals"]),
            interviews=_line("Entretiens", t["interviews"]),
            hired=_line("Embauches", t["hired"]),
            not_relevant=_line("Pas pertinents", t["not_relevant"]),
        )
        for week, t in sorted(totals.items(), reverse=True)
    ]
