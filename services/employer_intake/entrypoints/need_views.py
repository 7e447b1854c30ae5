"""How the portal shows a need: status and age in words, the commune's name, the flags with
their advice, where each flag's sentence is in the form."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from shared.contracts import ComplianceFlag
from shared.referential.snapshot import Snapshot

from ..domain import suggestions
from ..domain.compliance_advice import Advice, advice
from ..domain.model import NeedRecord

STATUS = {"open": "Ouvert", "filled": "Pourvu", "cancelled": "Annulé"}


def age_in_words(since: datetime, now: datetime) -> str:
    days = (now.date() - since.date()).days
    if days <= 0:
        return "publié aujourd'hui"
    if days == 1:
        return "publié hier"
    if days < 31:
        return f"publié il y a {days} jours"
    months = days // 30
    if months < 12:
        return f"publié il y a {months} mois"
    years = days // 365
    return f"publié il y a {years} an{'s' if years > 1 else ''}"


@dataclass(frozen=True)
class NeedRow:
    """One line of "Mes besoins" and of the export."""

    record: NeedRecord
    status: str
    age: str
    commune: str

    @property
    def need_id(self) -> str:
        return str(self.record.payload.need_id)

    @property
    def title(self) -> str:
        return self.record.payload.title


def row_of(record: NeedRecord, snapshot: Snapshot, now: datetime) -> NeedRow:
    return NeedRow(
        record=record,
        status=STATUS.get(record.status, record.status),
        age=age_in_words(record.created_at, now),
        commune=suggestions.commune_name(snapshot, record.payload.commune_insee),
    )


@dataclass(frozen=True)
class Flag:
    sentence: str
    field: str  # the form's field holding the sentence
    advice: Advice


def flags_of(flags: Iterable[ComplianceFlag], *, title: str, description: str) -> list[Flag]:
    """Each flag with its advice, placed at the field whose text holds its sentence (the
    compliance check reads the title, the description, then the skills)."""
    found = []
    for flag in flags:
        sentence = flag.sentence or ""
        if sentence and sentence in title:
            where = "title"
        elif sentence and sentence in description:
            where = "description"
        else:
            where = "autres_competences"
        found.append(Flag(sentence, where, advice(flag)))
    return found
