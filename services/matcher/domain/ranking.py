"""How a compatible pair is scored. Every weight of the ranking is here, and only here.

score = Σ weight × part, each part in [0, 1]:
- dense:   cosine of the sentence embeddings of the need's whole text and the profile's desired
           jobs and skills (multilingual-e5-small; negative clipped to 0);
- lexical: cosine of their sparse vectors of gender-neutral words and character n-grams, the
           profile's experience included (the trade named in any wording, spelling, acronym);
- rome:    trade evidence, P(both texts are of one ROME fiche) from the trades read from the
           whole texts (domain/trades.py; 1 for codes given on both sides and equal);
- skills:  share of the need's skills the profile states, and
- bonus:   half for a beginner when the need is open to beginners, half for being available
           by the start date: both said in the explanation, weight 0 (on the dev half, a 0.03
           bonus cost 0.004 nDCG@10: availability is no evidence of the trade).
The text evidence weighs most, in equal parts: on the independent dev set (bench/devset, dev
half) dense and lexical together beat either alone by 0.05 nDCG@10, and the trade reading adds
a little more as long as it stays a tie-break (at 0.15 and above, a doubtful reading starts to
put a wrong trade above the same trade written in other words). A ROME mobilité is never a
bonus: it is named in the explanation ("métier proche"), for discovery.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_THRESHOLD = 0.45


@dataclass(frozen=True, slots=True)
class Weights:
    dense: float = 0.475
    lexical: float = 0.475
    rome: float = 0.05
    skills: float = 0.0
    bonus: float = 0.0


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
    if parts.skills is None or not weights.skills:
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
