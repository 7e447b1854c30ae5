"""A diagnostic's answers, read from the form of its trame.

The form is what the browser posts (each name with its values); the answers are what is kept
(JSON: text, numbers, ISO dates, lists, {"level", "note"}, {option: note}). Reading collects
every problem at once, keyed by the name of the field to fix, in words a référent can act on.
`prefill` does the way back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from services.candidate_profile.domain.places import CommuneAmbiguous, CommuneUnknown, resolve
from services.candidate_profile.domain.trame import LEVELS, Question, Trame
from shared.contracts.common import forbidden_character
from shared.referential.snapshot import Snapshot

Form = Mapping[str, list[str]]
Answers = dict[str, Any]
Errors = dict[str, str]
_MAX = {"text": 200, "text-list": 200, "textarea": 5000, "note": 1000}
_YES_NO = {"oui": True, "non": False}


class Problem(ValueError):
    """An answer that cannot be kept: the message says what to do; `field` names where."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def field_name(q: Question) -> str:
    """The name of the form field an error of this question points at (its first one)."""
    return f"{q.id}-1" if q.kind == "text-list" else q.id


def read(trame: Trame, form: Form, referential: Snapshot) -> tuple[Answers, Errors]:
    answers: Answers = {}
    errors: Errors = {}
    for q in trame.questions:
        try:
            value = _READERS[q.kind](q, form, referential)
        except Problem as problem:
            errors[problem.field or field_name(q)] = problem.message
            continue
        if value in (None, "", [], {}):
            if q.required:
                errors[field_name(q)] = f"« {q.label} » : une réponse est attendue."
            continue
        answers[q.id] = value
    return answers, errors


def _one(form: Form, name: str) -> str:
    values = form.get(name) or [""]
    return values[0].strip()


def _text(q: Question, text: str, limit: int, field: str | None = None) -> str:
    bad = forbidden_character(text)
    if bad is not None:
        raise Problem(f"« {q.label} » contient un caractère invisible ({bad}) : retirez-le.", field)
    if len(text) > limit:
        raise Problem(f"« {q.label} » : {limit} caractères au plus ({len(text)} saisis).", field)
    return text


def _read_text(q: Question, form: Form, _: Snapshot) -> str:
    return _text(q, _one(form, q.id), _MAX[q.kind])


def _read_textarea(q: Question, form: Form, _: Snapshot) -> str:
    text = _text(q, _one(form, q.id).replace("\r\n", "\n"), _MAX["textarea"])
    if q.publish_as == "skills" and any(len(line.strip()) > 120 for line in text.split("\n")):
        raise Problem(f"« {q.label} » : une ligne dépasse 120 caractères, coupez-la en deux.")
    return text


def _read_number(q: Question, form: Form, _: Snapshot) -> float | None:
    raw = _one(form, q.id).replace(",", ".")
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        raise Problem(f"« {q.label} » : indiquez un nombre, par exemple 20.") from None
    low, high = q.min if q.min is not None else -1e9, q.max if q.max is not None else 1e9
    if not low <= number <= high:
        raise Problem(f"« {q.label} » : indiquez un nombre entre {low:g} et {high:g}.")
    return number


def _read_date(q: Question, form: Form, _: Snapshot) -> str | None:
    raw = _one(form, q.id)
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, pattern).date().isoformat()
        except ValueError:
            continue
    raise Problem(f"« {q.label} » : indiquez une date, par exemple 15/09/2026.")


def _options(q: Question, values: list[str]) -> list[str]:
    known = [o.value for o in q.options]
    if any(v not in known for v in values):
        raise Problem(f"« {q.label} » : choisissez parmi les réponses proposées.")
    return [v for v in known if v in values]


def _read_choice(q: Question, form: Form, _: Snapshot) -> str | None:
    raw = _one(form, q.id)
    return _options(q, [raw])[0] if raw else None


def _read_multi(q: Question, form: Form, _: Snapshot) -> list[str]:
    return _options(q, [v for v in form.get(q.id, []) if v])


def _read_yes_no(q: Question, form: Form, _: Snapshot) -> bool | None:
    raw = _one(form, q.id)
    if raw and raw not in _YES_NO:
        raise Problem(f"« {q.label} » : répondez par oui ou par non.")
    return _YES_NO.get(raw)


def _read_level(q: Question, form: Form, _: Snapshot) -> dict[str, str] | None:
    level = _one(form, q.id)
    if level and level not in dict(LEVELS):
        raise Problem(f"« {q.label} » : choisissez aucun, léger ou important.")
    note = _text(q, _one(form, f"{q.id}-note"), _MAX["note"], f"{q.id}-note")
    return {"level": level, "note": note} if level or note else None


def _read_text_list(q: Question, form: Form, _: Snapshot) -> list[str]:
    names = [f"{q.id}-{i}" for i in range(1, q.count + 1)]
    return [t for name in names if (t := _text(q, _one(form, name), _MAX["text"], name))]


def _read_checklist(q: Question, form: Form, _: Snapshot) -> dict[str, str]:
    ticked = set(_options(q, [v for v in form.get(q.id, []) if v]))
    answer: dict[str, str] = {}
    for o in q.options:
        name = f"{q.id}-{o.value}-note"
        note = _text(q, _one(form, name), 300, name)
        if note and o.value not in ticked:
            raise Problem(f"« {o.label} » : cochez la case ou effacez la précision.", name)
        if o.value in ticked:
            answer[o.value] = note
    return answer


def _read_commune(q: Question, form: Form, referential: Snapshot) -> str | None:
    raw = _one(form, q.id)
    if not raw:
        return None
    try:
        return resolve(referential, raw)
    except CommuneAmbiguous:
        message = f"Plusieurs communes s'appellent « {raw} » : ajoutez son code INSEE."
        raise Problem(message) from None
    except CommuneUnknown:
        raise Problem(
            f"Commune « {raw} » introuvable : vérifiez son nom ou indiquez son code INSEE"
            " (5 chiffres, par exemple 31555 pour Toulouse)."
        ) from None


Reader = Callable[[Question, Form, Snapshot], Any]
_READERS: dict[str, Reader] = {
    "text": _read_text,
    "textarea": _read_textarea,
    "number": _read_number,
    "date": _read_date,
    "choice": _read_choice,
    "multi-choice": _read_multi,
    "yes-no": _read_yes_no,
    "level": _read_level,
    "text-list": _read_text_list,
    "checklist": _read_checklist,
    "commune": _read_commune,
}


def as_date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None
