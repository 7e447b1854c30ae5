"""The top K of the points a query found, assessing as few pairs as the same result allows.

Pairs are taken by an upper bound of their score (the dense score, the bound of the lexical
one, the exact trade evidence, the best bonus they could have), and the exact checks stop once
no pair left can beat the K-th kept: the same result as assessing every pair, with the exact
lexical score, compatibility, skills and explanation work done for a few dozen instead of the
few hundred points a query finds. A pair whose trades agree passes the threshold whatever its
score: under it, the bound cannot stop the walk, only the K-th kept can.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.matcher import candidates
from services.matcher.domain import ranking
from services.matcher.domain.model import Need, Profile
from services.matcher.domain.trades import CONFIDENT, Reading, evidence
from services.matcher.scoring import SCORE_DECIMALS, Scored, rounded

LEXICAL_READ = 48  # pairs whose exact lexical score is read at once (~3 reads a need at 100k)
_ROUNDING = 10.0**-4  # the index's float32 sums and ours may differ in the last bits


@dataclass(frozen=True, slots=True)
class Head:
    """What bounds a point's score, read before its document: its pair's need and trades."""

    need: Need
    trades: tuple[Reading, Reading]  # (need's, profile's)


Assess = Callable[[Need, Profile, float, float, tuple[Reading, Reading]], Scored | None]


async def best(
    found: candidates.Candidates,
    *,
    head_of: Callable[[dict[str, Any]], Head],
    read_profile: Callable[[dict[str, Any]], Profile],
    assess: Assess,
    top_k: int,
    threshold: float,
) -> list[Scored]:
    """The top K compatible pairs at or above the threshold (or of one trade), best first."""
    bounded = []
    for point in found.points:
        head = head_of(point.payload)
        d = rounded(point.dense)
        trade = evidence(*head.trades)
        bound = ranking.upper_bound(
            dense=d,
            lexical=rounded(point.lexical_bound) + _ROUNDING,
            rome=trade,
            has_skills=bool(head.need.skills),
            open_to_beginners=head.need.open_to_beginners,
        )
        bounded.append((bound, point.id, point.payload, head, d, trade >= CONFIDENT))
    bounded.sort(key=lambda b: -b[0])
    kept: list[Scored] = []
    lexical: dict[str, float] = {}
    for at_rank, (bound, pid, payload, head, d, one_trade) in enumerate(bounded):
        full = len(kept) >= top_k
        floor = kept[top_k - 1].score if full else threshold
        if full and not _may_enter(bound, floor):
            break  # sorted by bound: no pair left can enter the top K
        if not _may_enter(bound, floor) and not one_trade:
            continue  # under the threshold, and not of the need's trade
        if pid not in lexical:
            # The exact lexical scores of the next pairs that may enter, in one read.
            ahead = bounded[at_rank : at_rank + LEXICAL_READ]
            wanted = [
                b[1] for b in ahead if (_may_enter(b[0], floor) or b[5]) and b[1] not in lexical
            ]
            lexical.update(dict.fromkeys(wanted, -1.0))  # -1: deleted since the search
            lexical.update(await found.exact_lexical(wanted))
        if lexical[pid] < 0:
            continue
        scored = assess(head.need, read_profile(payload), d, rounded(lexical[pid]), head.trades)
        if scored is None:
            continue
        if scored.score < threshold and not scored.same_trade:
            continue
        kept.append(scored)
        kept.sort(key=lambda s: (-s.score, s.profile.candidate_id, s.need.need_id))
        del kept[top_k:]
    return kept


def _may_enter(bound: float, floor: float) -> bool:
    """A pair whose score bound, at the scores' precision, reaches the floor may enter."""
    return round(bound, SCORE_DECIMALS) >= floor
