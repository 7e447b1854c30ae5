"""How a compatible pair is scored. Every weight of the ranking is here, and only here.

score = Σ weight × part, each part in [0, 1]:
- dense:   cosine of the sentence embeddings of the two texts (negative clipped to 0);
- lexical: cosine of their sparse character n-gram vectors (spelling, rare words, acronyms);
- rome:    1 for the same ROME fiche, 0.6 for a ROME mobilité between them, 0.3 for the same
           domaine professionnel, else 0 — codes given, or found from titles;
- skills:  share of the need's skills the profile states (None when the need lists none: its
           weight is then shared among the other parts, so such needs are not penalised);
- bonus:   half for a beginner when the need is open to beginners, half for being available
           by the start date.
The trade (ROME) weighs most: référents judge a proposal first by the job.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.matcher.domain.rome import LinkKind

ROME_VALUES: dict[LinkKind, float] = {"same": 1.0, "mobility": 0.6, "domain": 0.3, "none": 0.0}
DEFAULT_THRESHOLD = 0.35


@dataclass(frozen=True, slots=True)
class Weights:
    dense: float = 0.25
    lexical: float = 0.10
    rome: float = 0.40
    skills: float = 0.20
    bonus: float = 0.05


WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class Parts:
    dense: float
    lexical: float
    rome: float
    skills: float | None
    bonus: float
    distance_km: float


def score(parts: Parts, weights: Weights = WEIGHTS) -> float:
    dense = min(max(parts.dense, 0.0), 1.0)
    lexical = min(max(parts.lexical, 0.0), 1.0)
    total = (
        weights.dense * dense
        + weights.lexical * lexical
        + weights.rome * parts.rome
        + weights.bonus * parts.bonus
    )
    if parts.skills is None:
        return total / (1.0 - weights.skills)
    return total + weights.skills * parts.skills


def upper_bound(
    *, dense: float, lexical: float, rome: float, has_skills: bool, open_to_beginners: bool
) -> float:
    """The best score a pair can reach once its skills and bonus are known (all skills found,
    the whole bonus it can get): never below its exact score, which is monotone in each part."""
    return score(
        Parts(
            dense=dense,
            lexical=lexical,
            rome=rome,
            skills=1.0 if has_skills else None,
            bonus=bonus(
                open_to_beginners=open_to_beginners, is_beginner=True, available_in_time=True
            ),
            distance_km=0.0,
        )
    )


def bonus(*, open_to_beginners: bool, is_beginner: bool, available_in_time: bool) -> float:
    return 0.5 * (open_to_beginners and is_beginner) + 0.5 * available_in_time
