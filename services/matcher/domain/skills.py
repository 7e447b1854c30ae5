"""Skills overlap: which of the need's skills the profile states, in its skills or experience.

Words are compared by their first five letters once normalised, so that "coffrage" meets
"coffrer" and "plans" meets "plan"; a skill counts when all its meaningful words are found.
"""

from __future__ import annotations

import re
from functools import lru_cache

from services.matcher.domain.rome import STOPWORDS
from shared.referential.text import normalise

_YEARS = re.compile(r"(\d+)\s*(ans?|annees?)\b")
_MONTHS = re.compile(r"(\d+)\s*mois\b")


# Skills and experiences come back for every query that finds their profile: normalised once.
@lru_cache(maxsize=65_536)
def stems(text: str) -> frozenset[str]:
    return frozenset(w[:5] for w in normalise(text).split() if len(w) > 2 and w not in STOPWORDS)


def overlap(
    need_skills: tuple[str, ...], profile_skills: tuple[str, ...], experience: str
) -> tuple[float | None, tuple[str, ...]]:
    """(share of the need's skills found, those skills); None when the need lists none."""
    if not need_skills:
        return None, ()
    keys = {_key(s) for s in profile_skills}
    known = stems(" ".join(profile_skills) + " " + experience)
    matched = tuple(s for s in need_skills if _key(s) in keys or (stems(s) and stems(s) <= known))
    return len(matched) / len(need_skills), matched


@lru_cache(maxsize=65_536)
def _key(skill: str) -> str:
    return normalise(skill)


def years_of_experience(experience: str) -> float:
    text = normalise(experience)
    years = [int(m[1]) for m in _YEARS.finditer(text)]
    months = [int(m[1]) / 12 for m in _MONTHS.finditer(text)]
    return max([*years, *months], default=0.0)


def beginner(experience: str) -> bool:
    """Little experience: under a year stated, or a short text stating no duration."""
    years = years_of_experience(experience)
    return years < 1 and (years > 0 or len(experience.strip()) < 80)
