"""An action and its session written in columns: the lines of a partner's catalogue file, and
the pages' form, whose fields bear the same names. Read with the catalogue's rules; an error is
given under the column (or the form's field) that holds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from services.actions.domain.catalogue import (
    ActionInput,
    FieldErrors,
    Invalid,
    SessionDraft,
    SessionInput,
    check_session,
)
from services.actions.domain.when import local, read_date, read_time

# Column → what it holds, for the import page and the errors.
COLUMNS: dict[str, str] = {
    "reference": "votre référence de l'action (les lignes d'une même action la partagent)",
    "type": "formation, visite_entreprise, immersion, atelier, webinaire, job_dating,"
    " decouverte_metiers (ou leur libellé)",
    "intitule": "l'intitulé de l'action",
    "description": "facultatif",
    "metiers": "codes ROME ou métiers du répertoire, séparés par |",
    "publics": "tous, jeunes, 50_ans_et_plus, parents_jeunes_enfants, beneficiaires_rsa,"
    " travailleurs_handicapes, demandeurs_longue_duree, séparés par |",
    "commune": "code INSEE ou nom de la commune ; vide si l'action a lieu à distance",
    "a_distance": "oui ou non (non si vide)",
    "prerequis": "facultatif",
    "accessibilite": "facultatif",
    "date": "jour de la séance, JJ/MM/AAAA",
    "date_fin": "facultatif : dernier jour, si la séance dure plusieurs jours",
    "heure_debut": "HH:MM",
    "heure_fin": "HH:MM",
    "places": "nombre de places, de 1 à 10 000",
    "horaires": "facultatif : day, early_morning, night, weekend, séparés par |",
}
REQUIRED = ("reference", "type", "intitule", "publics", "date", "heure_debut", "heure_fin")
ACTION_COLUMNS = (
    "type",
    "intitule",
    "description",
    "metiers",
    "publics",
    "commune",
    "a_distance",
    "prerequis",
    "accessibilite",
)
# Where an error of the action or the session shows in the file.
COLUMN_OF = {
    "kind": "type",
    "title": "intitule",
    "description": "description",
    "rome_codes": "metiers",
    "publics": "publics",
    "commune_insee": "commune",
    "prerequisites": "prerequis",
    "accessibility": "accessibilite",
    "starts_at": "date",
    "ends_at": "heure_fin",
    "capacity": "places",
    "schedules": "horaires",
}
_YES = {"oui", "o", "vrai", "1", "yes"}
_NO = {"non", "n", "faux", "0", "no", ""}


def action_input(cells: Mapping[str, str]) -> ActionInput:
    """The action's columns as the catalogue takes them; lists are separated by "|"."""
    remote = cells.get("a_distance", "").strip().lower()
    if remote not in _YES | _NO:
        raise Invalid({"a_distance": "Répondez oui ou non."})
    return ActionInput(
        kind=cells.get("type", ""),
        title=cells.get("intitule", ""),
        description=cells.get("description", ""),
        trades=listed(cells.get("metiers", "")),
        publics=listed(cells.get("publics", "")),
        commune=cells.get("commune", ""),
        remote=remote in _YES,
        prerequisites=cells.get("prerequis", ""),
        accessibility=cells.get("accessibilite", ""),
    )


def read_session(cells: Mapping[str, str], now: datetime) -> SessionDraft:
    """A session written in the file's columns (or the form's, which bear the same names):
    date, date_fin, heure_debut, heure_fin, places, horaires; Invalid keyed by column."""
    day = read_date(cells.get("date", ""))
    # Without date_fin, the session ends the day it starts.
    last_day = read_date(cells["date_fin"]) if cells.get("date_fin") else day
    start = read_time(cells.get("heure_debut", ""))
    end = read_time(cells.get("heure_fin", ""))
    unread = {
        column: f"Indiquez {what}."
        for column, missing, what in (
            ("date", day is None, "le jour au format JJ/MM/AAAA"),
            ("date_fin", bool(cells.get("date_fin")) and last_day is None, _LAST_DAY),
            ("heure_debut", start is None, "l'heure de début au format HH:MM"),
            ("heure_fin", end is None, "l'heure de fin au format HH:MM"),
        )
        if missing
    }
    if unread:
        raise Invalid(unread)
    given = SessionInput(
        starts_at=local(day, start),
        ends_at=local(last_day, end),
        capacity=cells.get("places", ""),
        schedules=listed(cells.get("horaires", "")),
    )
    try:
        return check_session(given, now)
    except Invalid as exc:
        raise Invalid(by_column(exc.errors)) from exc


def by_column(errors: FieldErrors) -> FieldErrors:
    """Errors of the action's or the session's fields, under the columns that hold them."""
    return {COLUMN_OF.get(f, f): message for f, message in errors.items()}


_LAST_DAY = "le dernier jour au format JJ/MM/AAAA, ou laissez vide"


def listed(cell: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in cell.split("|") if v.strip())
