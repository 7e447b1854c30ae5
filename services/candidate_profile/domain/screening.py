"""The free text of a profile once screened: no health, disability, pregnancy or family data.

`experience`, `skills` and `desired_jobs` are published for matching. A sentence (or list item)
holding such data (`shared.screening`) is removed before the profile is stored and published,
and the référent is told which one. It is not kept here either: these fields exist for matching,
which such data must not feed; a structure with its own legal ground for recording a person's
situation keeps it in its case file, not in the matching profile.
"""

from __future__ import annotations

from typing import NamedTuple

from services.candidate_profile.domain.errors import InvalidField
from shared.screening import Finding, screen_items, screen_text


class PublishedTexts(NamedTuple):
    experience: str
    skills: list[str]
    desired_jobs: list[str]


def screened(
    *, experience: str, skills: list[str], desired_jobs: list[str]
) -> tuple[PublishedTexts, list[Finding]]:
    """The three published texts without their sensitive sentences, and those sentences."""
    kept_experience, found = screen_text("experience", experience)
    kept_skills, in_skills = screen_items("skills", skills)
    kept_jobs, in_jobs = screen_items("desired_jobs", desired_jobs)
    if not kept_jobs:
        raise InvalidField(
            ("body", "desired_jobs"),
            "aucun métier recherché ne reste une fois retirées les données de santé, de handicap,"
            " de grossesse ou de situation familiale : indiquez un métier",
            "sensitive_data",
        )
    return PublishedTexts(kept_experience, kept_skills, kept_jobs), found + in_skills + in_jobs
