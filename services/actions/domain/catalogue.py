"""An action of the catalogue as a partner writes it, checked like a federation's need: each
field's error says, in French, what to do. The API, the pages and the CSV import all go
through `check_action` and `check_session`, so they accept and refuse the same things.

A trade is a ROME code (F1703) or words ("maçonne", "Maçon / Maçonne"): words are read through
the referential's appellations, the same reading as every other form of the product; words that
name no appellation exactly are refused with the trades they could mean.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from shared.contracts.actions import ACTION_KIND_LABELS, PUBLIC_LABELS, ActionKind, Public
from shared.contracts.common import Schedule, forbidden_character
from shared.referential.snapshot import Snapshot
from shared.referential.suggest import commune_code, trades
from shared.referential.text import normalise

E = TypeVar("E", ActionKind, Public, Schedule)
FieldErrors = dict[str, str]
_ROME_CODE = re.compile(r"^[A-N]\d{4}$")
MAX_TITLE, MAX_TEXT, MAX_TRADES, MAX_CAPACITY = 200, 5000, 20, 10_000
MAX_SESSIONS = 200  # what ActionPublished carries
TOO_MANY_SESSIONS = (
    f"Une action compte au plus {MAX_SESSIONS} séances : publiez une nouvelle action pour les"
    " suivantes."
)


class Invalid(ValueError):
    """Some fields are wrong: `errors` maps each field to what to do about it."""

    def __init__(self, errors: FieldErrors) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ActionInput:
    """What a partner wrote, loosely typed (a form, a JSON body, a CSV line)."""

    kind: str = ""
    title: str = ""
    description: str = ""
    trades: tuple[str, ...] = ()
    publics: tuple[str, ...] = ()
    commune: str = ""  # an INSEE code, "Muret (31395)" or a name with no homonym
    remote: bool = False
    prerequisites: str = ""
    accessibility: str = ""


@dataclass(frozen=True)
class ActionDraft:
    kind: ActionKind
    title: str
    description: str
    rome_codes: tuple[str, ...]
    publics: tuple[Public, ...]
    commune_insee: str | None
    remote: bool
    prerequisites: str
    accessibility: str


@dataclass(frozen=True)
class SessionInput:
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    capacity: int | str | None = None
    schedules: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SessionDraft:
    starts_at: datetime
    ends_at: datetime
    capacity: int
    schedules: tuple[Schedule, ...]


SCHEDULE_LABELS: dict[Schedule, str] = {
    Schedule.DAY: "En journée",
    Schedule.EARLY_MORNING: "Tôt le matin",
    Schedule.NIGHT: "Le soir ou la nuit",
    Schedule.WEEKEND: "Le week-end",
}
MESSAGES = {
    "kind": "Choisissez le type d'action dans la liste : "
    + ", ".join(f"{k.value} ({label})" for k, label in ACTION_KIND_LABELS.items())
    + ".",
    "title": f"Indiquez l'intitulé de l'action, sur une ligne ({MAX_TITLE} caractères au plus).",
    "long": f"Ce texte fait au plus {MAX_TEXT} caractères, sans caractère de contrôle.",
    "publics": "Cochez au moins un public (« Tous publics » si l'action s'adresse à tous) : "
    + ", ".join(p.value for p in Public)
    + ".",
    "commune": "Choisissez la commune dans la liste (son nom et son code INSEE, par exemple"
    " « Muret (31395) »), ou indiquez que l'action a lieu à distance.",
    "starts_at": "Indiquez le début de la séance : une date et une heure à venir.",
    "ends_at": "Indiquez la fin de la séance : après son début.",
    "capacity": f"Indiquez un nombre de places entre 1 et {MAX_CAPACITY:_}.".replace("_", " "),
    "schedules": "Choisissez parmi les horaires proposés : "
    + ", ".join(s.value for s in Schedule)
    + ".",
}


def check_action(given: ActionInput, referential: Snapshot) -> ActionDraft:
    """The action as stored, or Invalid with every field's error at once."""
    errors: FieldErrors = {}
    kind = _choice(ActionKind, ACTION_KIND_LABELS, given.kind)
    if kind is None:
        errors["kind"] = MESSAGES["kind"]
    title = " ".join(given.title.split())
    if not title or len(title) > MAX_TITLE or forbidden_character(title):
        errors["title"] = MESSAGES["title"]
    for name in ("description", "prerequisites", "accessibility"):
        text = getattr(given, name)
        if len(text) > MAX_TEXT or forbidden_character(text.replace("\r", "")):
            errors[name] = MESSAGES["long"]
    codes, trade_error = read_trades(referential, given.trades)
    if trade_error:
        errors["rome_codes"] = trade_error
    publics = [_choice(Public, PUBLIC_LABELS, p) for p in given.publics if p.strip()]
    if not publics or None in publics:
        errors["publics"] = MESSAGES["publics"]
    commune = commune_code(referential, given.commune) if given.commune.strip() else None
    if (given.commune.strip() and commune is None) or (commune is None and not given.remote):
        errors["commune_insee"] = MESSAGES["commune"]
    if errors:
        raise Invalid(errors)
    assert kind is not None
    return ActionDraft(
        kind=kind,
        title=title,
        description=given.description.strip(),
        rome_codes=codes,
        publics=tuple(dict.fromkeys(p for p in publics if p is not None)),
        commune_insee=commune,
        remote=given.remote,
        prerequisites=given.prerequisites.strip(),
        accessibility=given.accessibility.strip(),
    )


def check_session(given: SessionInput, now: datetime) -> SessionDraft:
    errors: FieldErrors = {}
    if given.starts_at is None or given.starts_at.tzinfo is None or given.starts_at <= now:
        errors["starts_at"] = MESSAGES["starts_at"]
    ends_after = given.starts_at is None or (
        given.ends_at is not None
        and given.ends_at.tzinfo is not None
        and (given.starts_at.tzinfo is None or given.ends_at > given.starts_at)
    )
    if given.ends_at is None or not ends_after:
        errors["ends_at"] = MESSAGES["ends_at"]
    capacity = read_capacity(given.capacity)
    if capacity is None:
        errors["capacity"] = MESSAGES["capacity"]
    schedules = [_choice(Schedule, SCHEDULE_LABELS, s) for s in given.schedules if s.strip()]
    if None in schedules:
        errors["schedules"] = MESSAGES["schedules"]
    if errors:
        raise Invalid(errors)
    assert given.starts_at and given.ends_at and capacity is not None
    return SessionDraft(
        given.starts_at,
        given.ends_at,
        capacity,
        tuple(dict.fromkeys(s for s in schedules if s is not None)),
    )


def read_capacity(given: int | str | None) -> int | None:
    """A number of places between 1 and 10,000, or None."""
    text = str(given).strip().replace(" ", "") if given is not None else ""
    if not text.isdigit():
        return None
    value = int(text)
    return value if 1 <= value <= MAX_CAPACITY else None


def read_trades(referential: Snapshot, written: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """ROME codes of the trades written (codes or words), and the error of the first one the
    referential does not know ("" when all are known)."""
    codes: list[str] = []
    for text in (t.strip() for t in written):
        if not text:
            continue
        found = trade_codes(referential, text)
        if not found:
            return (), _unknown_trade(referential, text)
        codes += [c for c in found if c not in codes]
    if len(codes) > MAX_TRADES:
        return (), f"Au plus {MAX_TRADES} métiers par action : gardez les principaux."
    return tuple(codes), ""


def trade_codes(referential: Snapshot, text: str) -> tuple[str, ...]:
    """A ROME code the referential has, or the codes of the appellations named exactly so
    (either gendered form, accents and case aside)."""
    code = text.strip().upper()
    if _ROME_CODE.match(code):
        return (code,) if referential.fiche(code) is not None else ()
    return tuple(dict.fromkeys(a.code_rome for a in referential.appellations_named(text)))


def search_codes(referential: Snapshot, text: str) -> tuple[str, ...]:
    """What a search for a trade looks for: the exact reading when there is one, else every
    trade whose appellations start with the words typed ("maço" finds F1703 and its kin)."""
    exact = trade_codes(referential, text)
    if exact:
        return exact
    return tuple(dict.fromkeys(t.code_rome for t in trades(referential, text, limit=50)))


def _unknown_trade(referential: Snapshot, text: str) -> str:
    close = trades(referential, text, limit=3)
    hint = ", ".join(f"« {t.libelle} » ({t.code_rome})" for t in close)
    return (
        f"« {text[:60]} » n'est pas un métier du répertoire ROME : "
        + (f"choisissez par exemple {hint}, " if hint else "choisissez un métier proposé ")
        + "ou indiquez son code ROME (par exemple F1703)."
    )


def _choice(enum: type[E], labels: Mapping[E, str], text: str) -> E | None:
    """The value named by its code or by its label, case and accents aside."""
    key = normalise(text)
    for member in enum:
        if key in (normalise(member.value), normalise(labels.get(member, member.value))):
            return member
    return None
