"""One pair, scored and explained: the hard constraints, the parts of its score, and why.

The trade link named in the explanation comes from the confident trades of both readings
(codes given, or read with a probability of at least `trades.CONFIDENT`): "Même métier" for the
same fiche, "Métier proche" for a ROME mobilité (a discovery, which adds nothing to the score),
else the words the texts share. A pair whose trades agree is never dropped by the threshold.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.matcher.domain import compatibility, ranking, skills
from services.matcher.domain.explanation import explain
from services.matcher.domain.model import Need, Profile
from services.matcher.domain.rome import RomeLink, RomeResolver
from services.matcher.domain.text.french import keys
from services.matcher.domain.trades import CONFIDENT, Reading, evidence

DECIMALS = 4  # of the cosines ranked, see rounded
SCORE_DECIMALS = 6  # of a final score


@dataclass(frozen=True, slots=True)
class Proposal:
    need: Need
    profile: Profile
    score: float
    parts: ranking.Parts
    explanation: str
    rank: int = 0


@dataclass(frozen=True, slots=True)
class Scored:
    """A compatible pair: its parts, and what its explanation needs."""

    need: Need
    profile: Profile
    parts: ranking.Parts
    link: RomeLink
    matched: tuple[str, ...]  # the need's skills the profile states
    welcome: bool  # a beginner, and the need welcomes beginners

    @property
    def score(self) -> float:
        return final(self.parts)

    @property
    def same_trade(self) -> bool:
        """Both read as one trade: kept whatever the threshold."""
        return self.link.kind == "same" or self.parts.rome >= CONFIDENT


def rounded(cosine: float) -> float:
    # The index and numpy compute the same cosine to different last bits, and twins must
    # score exactly the same.
    return round(cosine, DECIMALS)


def final(parts: ranking.Parts) -> float:
    return round(ranking.score(parts), SCORE_DECIMALS)


class Scorer:
    def __init__(self, resolver: RomeResolver, distance: Callable[[str, str], float | None]):
        self.resolver = resolver
        self.distance = distance

    def link(self, need: Reading, profile: Reading) -> RomeLink:
        return self.resolver.link(need.codes, profile.codes)

    def score(
        self,
        need: Need,
        profile: Profile,
        *,
        dense: float,
        lexical: float,
        trades: tuple[Reading, Reading],
        at: datetime,
    ) -> Scored | None:
        """The parts of a compatible pair, else None (a hard constraint fails)."""
        verdict = compatibility.check(need, profile, at=at, distance_km=self.distance)
        if not verdict.compatible or verdict.distance_km is None:
            return None
        # The experience as the engine reads it: "aide-soignante" and "aide-soignant" are one
        # text, so twins are told beginners (a length rule) and skills alike.
        experience = self.resolver.neutral(profile.experience)
        share, matched = skills.overlap(need.skills, profile.skills, experience)
        welcome = need.open_to_beginners and skills.beginner(experience)
        in_time = (
            profile.available_from is None
            or need.start_date is None
            or profile.available_from <= need.start_date
        )
        parts = ranking.Parts(
            dense=dense,
            lexical=lexical,
            rome=evidence(*trades),
            skills=share,
            bonus=ranking.bonus(
                open_to_beginners=need.open_to_beginners,
                is_beginner=welcome,
                available_in_time=in_time,
            ),
            distance_km=verdict.distance_km,
        )
        return Scored(need, profile, parts, self.link(*trades), matched, welcome)

    def explained(self, scored: Scored, rank: int = 0) -> Proposal:
        need, profile = scored.need, scored.profile
        text = explain(
            need=need,
            profile=profile,
            link=scored.link,
            label=self.resolver.label,
            distance_km=scored.parts.distance_km,
            matched_skills=scored.matched,
            beginner_welcome=scored.welcome,
            shared_words=shared_words(need, profile, self.resolver.neutral),
        )
        return Proposal(need, profile, scored.score, scored.parts, text, rank)


def shared_words(need: Need, profile: Profile, neutral: Callable[[str], str]) -> tuple[str, ...]:
    """The words of the need's title, when the profile's jobs or experience use them all (in
    their gender-neutral form): the trade named, evidence a référent checks at a glance. Some
    of them only ("agent" of "agent de quai") prove nothing: then none."""
    theirs = set(keys(neutral(" ".join((*profile.desired_jobs, profile.experience)))))
    if not all(k in theirs for k in keys(neutral(need.title))):
        return ()
    shown: dict[str, str] = {}  # one word per key: "maçon / maçonne" says "maçon"
    for word in _WORD.findall(need.title):
        key = keys(neutral(word))
        if key and all(k in theirs for k in key):
            shown.setdefault(" ".join(key), word.lower())
    return tuple(shown.values())


_WORD = re.compile(r"\w[\w'’-]*")
