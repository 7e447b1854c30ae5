"""French words for the values of the contracts, as référents read them."""

from __future__ import annotations

from datetime import date

from shared.contracts.notifications import NOT_RELEVANT_REASONS, FeedbackDecision

CONTRACTS = {
    "CDI": "CDI",
    "CDD": "CDD",
    "INTERIM": "intérim",
    "ALTERNANCE": "alternance",
    "IAE": "IAE",
}
SCHEDULES = {
    "day": "journée",
    "early_morning": "tôt le matin",
    "night": "nuit",
    "weekend": "week-end",
}
DECISIONS = {
    FeedbackDecision.PROPOSED: "Proposé au recruteur",
    FeedbackDecision.CONTACTED: "Contacté",
    FeedbackDecision.INTERVIEW: "Entretien",
    FeedbackDecision.HIRED: "Embauché",
    FeedbackDecision.NOT_RELEVANT: "Pas pertinent",
}
REASONS = dict(
    zip(
        NOT_RELEVANT_REASONS,
        (
            "Métier différent",
            "Trop loin",
            "Horaires incompatibles",
            "Déjà en emploi",
            "Pas disponible",
            "Autre motif",
        ),
        strict=True,
    )
)
_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def hours(value: float) -> str:
    """35.0 -> "35 h", 17.5 -> "17,5 h"."""
    text = f"{value:g}".replace(".", ",")
    return f"{text} h"


def distance(km: float | None) -> str:
    if km is None:
        return "distance effacée"
    return "sur place" if km < 0.5 else f"à {km:.0f} km"


def french_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {_MONTHS[day.month - 1]} {day.year}"


def schedules(values: list[str]) -> str:
    return ", ".join(SCHEDULES.get(v, v) for v in values) or "non précisés"


def commune(need: dict[str, object]) -> str:
    return str(need.get("commune_name") or need.get("commune_insee") or "?")


GROUNDS = {
    "sex": "sexe",
    "age": "âge",
    "family_situation": "situation de famille",
    "origin": "origine",
    "health": "santé ou handicap",
    "other": "autre motif",
}


def flag_notice(need: dict[str, object]) -> str | None:
    """The line "Offre signalée : sexe, âge (article L1132-1 / L1142-1)", or None if unflagged.

    The intake flags a need whose text may select on a ground the Code du travail forbids; the
    sentence itself never reaches the notifier, only its ground and article.
    """
    flags = need.get("compliance_flags")
    if not isinstance(flags, list) or not flags:
        return None
    grounds = dict.fromkeys(GROUNDS.get(str(f.get("ground")), "autre motif") for f in flags)
    articles = sorted({str(f.get("article") or "L1132-1") for f in flags})
    return f"Offre signalée : {', '.join(grounds)} (article {' / '.join(articles)})"
