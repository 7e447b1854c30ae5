"""What a diagnostic gives the matching profile: only the fields of the minimum contract.

Only the questions the trame marks `publish_as` are read here, so the public category, health,
family situation and freins périphériques cannot reach the profile, whatever the form holds.
The profile's own rules (screening of sensitive sentences, the referential's checks) then apply
as for any profile, in `handlers.profiles`.
"""

from __future__ import annotations

from typing import Any

from services.candidate_profile.domain.answers import Answers, as_date
from services.candidate_profile.domain.trame import Question, Trame

SKILLS_AT_MOST = 50


def published_fields(trame: Trame, answers: Answers) -> dict[str, Any]:
    return {
        "desired_jobs": _entries(trame.publishing("desired_jobs"), answers),
        "experience": _experience(trame.publishing("experience"), answers),
        "skills": _skills(trame, answers)[:SKILLS_AT_MOST],
        "commune_insee": _single(trame, answers, "commune_insee"),
        "mobility_km": _single(trame, answers, "mobility_km"),
        "has_driving_licence": bool(_single(trame, answers, "has_driving_licence")),
        "unavailable_schedules": _single(trame, answers, "unavailable_schedules") or [],
        "available_from": as_date(_single(trame, answers, "available_from")),
    }


def _single(trame: Trame, answers: Answers, field: str) -> Any:
    questions = trame.publishing(field)
    return answers.get(questions[0].id) if questions else None


def _entries(questions: list[Question], answers: Answers) -> list[str]:
    found: list[str] = []
    for q in questions:
        value = answers.get(q.id)
        found += value if isinstance(value, list) else [value] if value else []
    return found


def _experience(questions: list[Question], answers: Answers) -> str:
    # Each part under its label, so the matcher and the référent read "Formations : ...".
    parts = [f"{q.label} : {answers[q.id]}" for q in questions if answers.get(q.id)]
    return "\n\n".join(parts)


def _skills(trame: Trame, answers: Answers) -> list[str]:
    skills: list[str] = []
    for q in trame.publishing("skills"):
        value = answers.get(q.id)
        if q.kind == "checklist" and isinstance(value, dict):
            skills += [o.skill for o in q.options if o.value in value and o.skill]
        elif q.kind == "textarea" and isinstance(value, str):
            skills += [line.strip() for line in value.split("\n") if line.strip()]
        elif isinstance(value, list):
            skills += value
    return list(dict.fromkeys(skills))
