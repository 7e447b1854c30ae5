"""What a search of the catalogue asks, once read from the words a référent typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TypeVar
from uuid import UUID

from services.actions.domain.catalogue import FieldErrors, Invalid, search_codes
from services.actions.domain.when import local, read_date
from shared.contracts.actions import ActionKind, Public
from shared.referential.snapshot import Snapshot
from shared.referential.suggest import commune_code

E = TypeVar("E", ActionKind, Public)

PER_PAGE = 20
MAX_KM = 200


@dataclass(frozen=True)
class Search:
    """`rome_codes` / `communes` None: any trade / anywhere. `remote`: the actions held à
    distance are wanted (alone when no commune is given, besides those near it otherwise)."""

    starts_from: datetime
    starts_before: datetime | None = None
    rome_codes: tuple[str, ...] | None = None
    communes: tuple[str, ...] | None = None
    remote: bool = False
    public: Public | None = None
    kind: ActionKind | None = None
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class Found:
    """An open action and its next session to come (within the dates asked)."""

    action_id: UUID
    title: str
    kind: ActionKind
    provider_structure: str
    commune_insee: str | None
    remote: bool
    rome_codes: tuple[str, ...]
    session_id: UUID
    starts_at: datetime
    ends_at: datetime
    places_left: int
    sessions_to_come: int


@dataclass(frozen=True)
class Page:
    results: tuple[Found, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


@dataclass(frozen=True)
class Criteria:
    """A search as typed (a form's query string, the API's parameters)."""

    trade: str = ""  # a ROME code or words
    commune: str = ""  # an INSEE code, "Muret (31395)" or a name
    km: str = ""
    remote: bool = False
    date_from: str = ""  # JJ/MM/AAAA or AAAA-MM-JJ
    date_to: str = ""
    public: str = ""
    kind: str = ""
    page: int = 1


DEFAULT_KM = 20


def read_search(criteria: Criteria, referential: Snapshot, now: datetime) -> Search:
    """The search the criteria ask for, or Invalid naming each criterion to correct."""
    errors: FieldErrors = {}
    codes = search_codes(referential, criteria.trade) if criteria.trade.strip() else None
    if codes == ():
        errors["trade"] = (
            f"Aucun métier du répertoire ROME ne correspond à « {criteria.trade[:60]} » :"
            " choisissez un métier proposé, ou son code ROME (par exemple F1703)."
        )
    communes, place_errors = _communes_within(criteria, referential)
    errors |= place_errors
    start, end = read_date(criteria.date_from), read_date(criteria.date_to)
    if criteria.date_from.strip() and start is None:
        errors["date_from"] = "Indiquez une date valide, par exemple 12/01/2027."
    if criteria.date_to.strip() and (end is None or (start is not None and end < start)):
        errors["date_to"] = "Indiquez une date valide, après la date de début."
    public = _member(Public, criteria.public)
    if criteria.public and public is None:
        errors["public"] = "Choisissez un public de la liste."
    kind = _member(ActionKind, criteria.kind)
    if criteria.kind and kind is None:
        errors["kind"] = "Choisissez un type d'action de la liste."
    if errors:
        raise Invalid(errors)
    from_day = local(start, time(0, 0))
    to_day = local(end + timedelta(days=1), time(0, 0)) if end else None
    return Search(
        starts_from=max(now, from_day) if from_day else now,
        starts_before=to_day,
        rome_codes=codes,
        communes=communes,
        remote=criteria.remote,
        public=public,
        kind=kind,
        page=max(criteria.page, 1),
    )


def _communes_within(
    criteria: Criteria, referential: Snapshot
) -> tuple[tuple[str, ...] | None, FieldErrors]:
    """The communes within the radius of the one typed (None: no place asked)."""
    km_text = criteria.km.strip()
    km = int(km_text) if km_text.isdigit() else (DEFAULT_KM if not km_text else -1)
    errors: FieldErrors = {}
    if not 0 <= km <= MAX_KM:
        errors["km"] = f"Indiquez une distance en kilomètres, nombre entier de 0 à {MAX_KM}."
    if not criteria.commune.strip():
        return None, errors
    center = commune_code(referential, criteria.commune)
    if center is None:
        errors["commune"] = (
            "Choisissez la commune dans la liste (son nom et son code INSEE, par exemple"
            " « Muret (31395) »)."
        )
    if errors or center is None:
        return None, errors
    return tuple(c for c in referential.communes if referential.distance_km(center, c) <= km), {}


def _member(enum: type[E], text: str) -> E | None:
    try:
        return enum(text.strip()) if text.strip() else None
    except ValueError:
        return None
