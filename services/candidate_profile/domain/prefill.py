"""The diagnostic form filled in: from a stored diagnostic, or from a profile made without one.

The way back of `answers.read`: each answer as the values of the form fields its question draws.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from services.candidate_profile.domain.answers import Answers
from services.candidate_profile.domain.places import label
from services.candidate_profile.domain.trame import Question, Trame
from shared.referential.snapshot import Snapshot

FormValues = dict[str, list[str]]


def to_form(trame: Trame, answers: Answers, referential: Snapshot) -> FormValues:
    """The form a stored diagnostic fills in (questions of another version are left out)."""
    form: FormValues = {}
    for q in trame.questions:
        if q.id in answers:
            form |= _WRITERS[q.kind](q, answers[q.id], referential)
    return form


def answers_from_profile(trame: Trame, profile: Mapping[str, Any]) -> Answers:
    """A first diagnostic's answers taken from a profile written without one (through the API):
    each published field back in the first question that publishes it."""
    answers: Answers = {}
    for field, value in profile.items():
        questions = trame.publishing(field)
        if not questions or value in (None, "", []):
            continue
        q = questions[0]
        if q.kind == "textarea" and isinstance(value, list):
            value = "\n".join(value)
        elif q.kind == "checklist":
            continue  # a skill phrase does not say which potentialité it came from
        elif q.kind == "text" and isinstance(value, list):
            value = value[0]  # one line holds one entry
        elif q.kind == "date":
            value = value.isoformat()
        elif q.kind == "multi-choice":
            value = [str(v) for v in value]
        answers[q.id] = value
    return answers


def _write_plain(q: Question, value: Any, _: Snapshot) -> FormValues:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return {q.id: [str(value)]}


def _write_many(q: Question, value: Any, _: Snapshot) -> FormValues:
    return {q.id: [str(v) for v in value]}


def _write_yes_no(q: Question, value: Any, _: Snapshot) -> FormValues:
    return {q.id: ["oui" if value else "non"]}


def _write_level(q: Question, value: Any, _: Snapshot) -> FormValues:
    return {q.id: [value.get("level", "")], f"{q.id}-note": [value.get("note", "")]}


def _write_text_list(q: Question, value: Any, _: Snapshot) -> FormValues:
    return {f"{q.id}-{i}": [str(v)] for i, v in enumerate(value, start=1)}


def _write_checklist(q: Question, value: Any, _: Snapshot) -> FormValues:
    notes = {f"{q.id}-{k}-note": [str(v)] for k, v in value.items()}
    return {q.id: list(value), **notes}


def _write_commune(q: Question, value: Any, referential: Snapshot) -> FormValues:
    return {q.id: [label(referential, str(value))]}


_WRITERS: dict[str, Callable[[Question, Any, Snapshot], FormValues]] = {
    "text": _write_plain,
    "textarea": _write_plain,
    "number": _write_plain,
    "date": _write_plain,
    "choice": _write_plain,
    "multi-choice": _write_many,
    "yes-no": _write_yes_no,
    "level": _write_level,
    "text-list": _write_text_list,
    "checklist": _write_checklist,
    "commune": _write_commune,
}
