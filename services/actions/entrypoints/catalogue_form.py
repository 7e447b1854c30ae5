"""The action's form on the pages: what a browser posts, read with the catalogue's own rules.

The form's fields bear the CSV's column names (type, intitule, metiers, commune, date,
heure_debut, places...), so an error found by the domain shows beside the field that holds it
whichever way the action was written. No rule of its own here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.datastructures import FormData

from services.actions.domain.catalogue import (
    SCHEDULE_LABELS,
    ActionInput,
    Invalid,
    SessionDraft,
)
from services.actions.domain.columns import action_input, by_column, read_session
from services.actions.domain.model import Action
from services.actions.domain.when import in_paris
from shared.contracts.actions import ACTION_KIND_LABELS, PUBLIC_LABELS
from shared.referential.snapshot import Snapshot
from shared.referential.suggest import commune_label

KINDS = [(k.value, label) for k, label in ACTION_KIND_LABELS.items()]
PUBLICS = [(p.value, label) for p, label in PUBLIC_LABELS.items()]
SCHEDULES = [(s.value, label) for s, label in SCHEDULE_LABELS.items()]
TRADE_FIELDS = ("metier_1", "metier_2", "metier_3")
TEXTS = ("type", "intitule", "description", "commune", "prerequis", "accessibilite")
SESSION_TEXTS = ("date", "date_fin", "heure_debut", "heure_fin", "places")


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@dataclass
class ActionForm:
    """The values as the page shows them back (strings, lists of strings)."""

    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def blank(cls) -> ActionForm:
        return cls({"publics": [], "horaires": [], "places": "12", "a_distance": []})

    @classmethod
    def posted(cls, form: FormData) -> ActionForm:
        values: dict[str, Any] = {n: _text(form, n) for n in (*TEXTS, *SESSION_TEXTS)}
        values |= {n: _text(form, n) for n in TRADE_FIELDS}
        for name in ("publics", "horaires", "a_distance"):
            values[name] = [str(v) for v in form.getlist(name)]
        return cls(values)

    @classmethod
    def of(cls, action: Action, referential: Snapshot) -> ActionForm:
        trades = list(action.rome_codes)  # a code reads back to the same trade
        values: dict[str, Any] = {
            "type": action.kind.value,
            "intitule": action.title,
            "description": action.description,
            "commune": commune_label(referential, action.commune_insee)
            if action.commune_insee
            else "",
            "a_distance": ["oui"] if action.remote else [],
            "publics": [p.value for p in action.publics],
            "prerequis": action.prerequisites,
            "accessibilite": action.accessibility,
        }
        # The form offers three trades; an action imported with more keeps them in "metier_3".
        values |= dict(zip(TRADE_FIELDS, [*trades[:2], " | ".join(trades[2:])], strict=False))
        return cls(values)

    def cells(self) -> dict[str, str]:
        """The form as a line of the catalogue file (lists separated by "|")."""
        v = self.values
        cells = {n: str(v.get(n, "")) for n in (*TEXTS, *SESSION_TEXTS)}
        cells["metiers"] = "|".join(str(v.get(n, "")) for n in TRADE_FIELDS)
        for name in ("publics", "horaires"):
            cells[name] = "|".join(v.get(name, []))
        cells["a_distance"] = "oui" if "oui" in v.get("a_distance", []) else "non"
        return cells

    def action(self) -> ActionInput:
        return action_input(self.cells())

    def session(self, now: datetime) -> SessionDraft:
        return read_session(self.cells(), now)


def form_errors(exc: Invalid) -> dict[str, str]:
    """The domain's errors under the form's fields (the trades' under their fieldset)."""
    return by_column(exc.errors)


def session_label(starts_at: datetime, ends_at: datetime) -> str:
    """ "mar. 12/01/2027, 09:00 – 12:00" in Toulouse's time."""
    start, end = in_paris(starts_at), in_paris(ends_at)
    day = f"{_WEEKDAYS[start.weekday()]} {start:%d/%m/%Y}, {start:%H:%M}"
    if end.date() == start.date():
        return f"{day} – {end:%H:%M}"
    return f"{day} – {_WEEKDAYS[end.weekday()]} {end:%d/%m/%Y}, {end:%H:%M}"


_WEEKDAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
