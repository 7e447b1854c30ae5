"""What the workspace's people pages say, in French: purposes, consent states, dates (Europe/Paris),
and the view of a profile a page draws (through ProfileOut: a partner sees no contact nor notes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse

from services.candidate_profile.domain.consent import two_years_after
from services.candidate_profile.domain.errors import ReadOnlyAccess
from services.candidate_profile.domain.model import Profile
from services.candidate_profile.domain.people import ConsentStatus, consent_status
from services.candidate_profile.entrypoints.schemas import ProfileOut
from services.candidate_profile.entrypoints.web import WebReferent, render
from services.candidate_profile.handlers.context import Context

PARIS = ZoneInfo("Europe/Paris")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")  # fmt: skip
# The purposes a référent records in the workspace; `sharing_with_employers` is only shown.
OFFERED = ("matching", "sharing_with_partners")
PURPOSES = {
    "matching": (
        "Rapprochement avec les besoins des employeurs",
        "Le profil, sans le nom ni les coordonnées, est comparé aux besoins de recrutement que "
        "les employeurs confient au SPIE. Quand un besoin correspond, le ou la référente reçoit "
        "une piste et en parle avec la personne : personne n'est contacté automatiquement.",
    ),
    "sharing_with_partners": (
        "Partage avec les partenaires du SPIE",
        "Une autre structure du SPIE qui accompagne aussi la personne peut lire son profil "
        "(prénom, métiers, compétences ; jamais ses coordonnées ni les notes) et recevoir ses "
        "pistes. Le partage se décide structure par structure et s'arrête à tout moment.",
    ),
    "sharing_with_employers": (
        "Partage avec des employeurs",
        "Le profil peut être présenté à un employeur, avec l'accord de la personne à chaque fois.",
    ),
}
ACTIONS = {
    "granted": "Consentement donné",
    "renewed": "Consentement prolongé",
    "withdrawn": "Consentement retiré",
    "expired": "Consentement arrivé à échéance",
}


def day(at: datetime | date) -> str:
    """ "6 décembre 2026", in Paris time."""
    d = at.astimezone(PARIS).date() if isinstance(at, datetime) else at
    return f"{'1er' if d.day == 1 else d.day} {MONTHS[d.month - 1]} {d.year}"


def moment(at: datetime) -> str:
    local = at.astimezone(PARIS)
    return f"{day(local)} à {local.hour} h {local.minute:02d}"


def last_day(expires_at: datetime) -> date:
    """The last day a consent covers: it ends at the first instant of the next day."""
    return (expires_at - timedelta(microseconds=1)).astimezone(PARIS).date()


def expiry_after(last: date) -> datetime:
    """A consent valid through `last` (Paris) ends at midnight after it."""
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=PARIS)


def default_last_day(now: datetime) -> date:
    today = now.astimezone(PARIS).date()
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


def max_last_day(now: datetime) -> date:
    """The latest last day the handlers accept: ending at most two years from now."""
    return two_years_after(now).astimezone(PARIS).date() - timedelta(days=1)


def purposes_label(purposes: tuple[str, ...] | list[str]) -> str:
    """ "Rapprochement avec … ; partage avec les partenaires du SPIE"."""
    labels = [PURPOSES[p][0] for p in purposes]
    return " ; ".join([*labels[:1], *(x[0].lower() + x[1:] for x in labels[1:])]) or "aucun usage"


@dataclass(frozen=True)
class Person:
    """A profile as a page shows it."""

    profile: ProfileOut
    status: ConsentStatus
    commune: str
    owned: bool

    @property
    def id(self) -> str:
        return str(self.profile.candidate_id)


def person(profile: Profile, who: WebReferent, ctx: Context) -> Person:
    now = ctx.clock()
    commune = ctx.referential.commune(profile.commune_insee)
    return Person(
        profile=ProfileOut.of(profile, structure=who.referent.structure, now=now),
        status=consent_status(profile.consent, now),
        commune=commune.nom if commune else profile.commune_insee,
        owned=profile.structure == who.referent.structure,
    )


def not_found(request: Request, who: WebReferent) -> HTMLResponse:
    """Another structure's person and an unknown id look the same."""
    return render(request, "personne_absente.html", who, status=404)


def refused(request: Request, who: WebReferent, exc: Exception) -> HTMLResponse:
    """ProfileNotFound: 404; ReadOnlyAccess: the partner structure may read, not change."""
    if isinstance(exc, ReadOnlyAccess):
        return render(request, "personne_lecture_seule.html", who, status=403)
    return not_found(request, who)
