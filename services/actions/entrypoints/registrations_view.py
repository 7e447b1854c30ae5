"""What the registration pages say, in French: dates (Europe/Paris), statuses, trades."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from services.actions.domain.model import Action
from shared.contracts.actions import (
    ACTION_KIND_LABELS,
    PUBLIC_LABELS,
    RegistrationStatus,
)
from shared.referential.snapshot import Snapshot

PARIS = ZoneInfo("Europe/Paris")
_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip

STATUS_LABELS = {
    RegistrationStatus.REGISTERED: "Inscrite",
    RegistrationStatus.WAITING: "Sur liste d'attente",
    RegistrationStatus.CANCELLED: "Annulée",
    RegistrationStatus.ATTENDED: "Présente",
    RegistrationStatus.ABSENT: "Absente",
}


def when(moment: datetime, until: datetime | None = None) -> str:
    """« mardi 12 janvier 2027, 9 h 00 – 12 h 00 » (heure de Paris)."""
    at = moment.astimezone(PARIS)
    text = f"{_DAYS[at.weekday()]} {at.day} {_MONTHS[at.month - 1]} {at.year}, {_hour(at)}"
    if until is None:
        return text
    end = until.astimezone(PARIS)
    return f"{text} – {_hour(end)}" if end.date() == at.date() else f"{text} – {when(end)}"


def _hour(at: datetime) -> str:
    return f"{at.hour} h {at.minute:02d}"


def action_facts(action: Action, referential: Snapshot) -> dict[str, object]:
    """The labels of an action's kind, trades, publics and place."""
    trades = []
    for code in action.rome_codes:
        fiche = referential.fiche(code)
        trades.append((code, fiche.libelle if fiche else "métier inconnu du référentiel"))
    return {
        "kind": ACTION_KIND_LABELS.get(action.kind, action.kind),
        "trades": trades,
        "publics": [PUBLIC_LABELS.get(p, p) for p in action.publics],
        "place": place_of(action, referential),
    }


def place_of(action: Action, referential: Snapshot) -> str:
    if action.remote:
        return "À distance"
    return commune_name(referential, action.commune_insee)


def commune_name(referential: Snapshot, insee: str | None) -> str:
    commune = referential.commune(insee) if insee else None
    return commune.nom if commune else (insee or "lieu à préciser")
