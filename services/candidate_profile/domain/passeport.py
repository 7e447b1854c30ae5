"""The passeport emploi: its sections, what each item holds, its links, its export.

Nothing here touches the database or the web; the forms are checked in passeport_forms.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from services.candidate_profile.domain.registrations import Registration, exported

SECTIONS: dict[str, str] = {
    "competences": "Compétences et preuves",
    "metiers": "Métiers explorés",
    "actions": "Actions suivies",
}
EVIDENCE_KINDS: dict[str, str] = {
    "experience": "Expérience",
    "formation": "Formation",
    "attestation": "Attestation",
}
LINK_DAYS_DEFAULT = 30
LINK_DAYS_MAX = 90


class PasseportInvalid(ValueError):
    """Some fields of a form are wrong: field name -> what to do, in French."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class LinkUnusable(Exception):
    """The link is unknown (404), or revoked or expired (410)."""

    def __init__(self, status: Literal[404, 410]) -> None:
        super().__init__(status)
        self.status = status


@dataclass(frozen=True)
class Item:
    item_id: UUID
    section: str
    content: dict[str, Any]
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class Review:
    section: str
    validated: bool
    comment: str
    at: datetime


@dataclass(frozen=True)
class Attestation:
    attestation_id: UUID
    employer_name: str
    observer: str
    immersion: str
    skills: list[str]
    comment: str
    at: datetime


@dataclass(frozen=True)
class Link:
    link_id: UUID
    candidate_id: UUID
    kind: str
    label: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    @property
    def actor(self) -> str:
        """Who a change made through this link is recorded as."""
        return "personne" if self.kind == "personne" else self.label


@dataclass(frozen=True)
class Change:
    actor_kind: str
    actor: str
    actor_name: str  # a référent's name, or the actor itself
    section: str | None
    what: str
    at: datetime


@dataclass(frozen=True)
class Passeport:
    candidate_id: UUID
    first_name: str
    items: list[Item] = field(default_factory=list)
    reviews: dict[str, Review] = field(default_factory=dict)
    attestations: list[Attestation] = field(default_factory=list)
    # The actions of the banque commune the person attended, as their provider recorded them:
    # shown in "Actions suivies" beside those the référent typed (not editable here).
    attended: list[Registration] = field(default_factory=list)

    def section(self, name: str) -> list[Item]:
        return [i for i in self.items if i.section == name]

    def trades(self) -> list[str]:
        return [str(i.content["label"]) for i in self.section("metiers")]


def export(p: Passeport, history: list[Change], now: datetime) -> dict[str, Any]:
    """The whole passeport as plain data: what the person may take with them."""
    return {
        "candidate_id": str(p.candidate_id),
        "first_name": p.first_name,
        "exported_at": now.isoformat(),
        "sections": {name: _section(p, name, title) for name, title in SECTIONS.items()},
        "attestations": [
            {
                "employer_name": a.employer_name,
                "observer": a.observer,
                "immersion": a.immersion,
                "skills": a.skills,
                "comment": a.comment,
                "at": a.at.isoformat(),
            }
            for a in p.attestations
        ],
        "history": [
            {
                "who": c.actor_name,
                "actor_kind": c.actor_kind,
                "section": c.section,
                "what": c.what,
                "at": c.at.isoformat(),
            }
            for c in history
        ],
    }


def _section(p: Passeport, name: str, title: str) -> dict[str, Any]:
    section: dict[str, Any] = {
        "title": title,
        "items": [i.content for i in p.section(name)],
        "review": _review(p.reviews.get(name)),
    }
    if name == "actions":  # those attended in the banque commune, as their provider recorded
        section["banque_commune"] = [exported(r) for r in p.attended]
    return section


def _review(r: Review | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {"validated": r.validated, "comment": r.comment, "at": r.at.isoformat()}
