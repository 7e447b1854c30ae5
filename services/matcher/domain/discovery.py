"""Trades for a person: those wished, and trades worth discovering beyond the wish.

A trade T not wished is worth discovering when employers nearby ask for it now (at least one
open need of T within NEARBY_KM of the person's commune: `nearby_communes`) and the person can
reach it: T is a ROME mobilité of a wished trade, or at least MIN_TRANSFERABLE of the person's
skills are found among the skills of those open needs (the matching's overlap rule, on
gender-neutral texts).
Discovery trades are ordered: the mixité list first, then more open needs nearby, then more
transferable skills, then the code; MAX_DISCOVERY are kept. Nothing here reads who the person is
beyond skills, experience, trades and place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from services.matcher.domain import skills as skill_rules
from services.matcher.domain.actions import Action, Fit, earliest_fit
from services.matcher.domain.compatibility import DistanceFn
from services.matcher.domain.model import Profile
from shared.referential.snapshot import Snapshot
from shared.referential.text import normalise

NEARBY_KM = 20
MIN_TRANSFERABLE = 2
MAX_DISCOVERY = 3
MAX_PROPOSALS = 5


@dataclass(frozen=True, slots=True)
class Asked:
    """What employers near the person ask now of one trade: how many open needs within
    NEARBY_KM (`nearby_communes`), and the skills they ask (gender-neutral)."""

    rome_code: str
    open_needs: int
    skills: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Trade:
    code: str
    wished: bool
    mobilite_from: str | None = None
    transferable: tuple[str, ...] = ()
    open_nearby: int = 0
    mixite: bool = False


@dataclass(frozen=True, slots=True)
class Pick:
    fit: Fit
    trade: Trade


# The skills employers ask near a home come back for every profile of that home: keyed once.
_key = lru_cache(maxsize=65_536)(normalise)


def discover(
    wished: Sequence[str],
    person_skills: tuple[str, ...],
    experience: str,
    asked: Iterable[Asked],
    *,
    mobilities: Callable[[str], Sequence[str]],
    mixite: Callable[[str], bool],
) -> list[Trade]:
    """The wished trades, in the order given, then up to MAX_DISCOVERY discovery trades.
    `asked`: the open needs near the person by trade; texts come already gender-neutral."""
    counts: dict[str, int] = defaultdict(int)
    wanted: dict[str, dict[str, str]] = defaultdict(dict)  # trade -> skill key -> skill
    for trade in asked:
        counts[trade.rome_code] += trade.open_needs
        for skill in trade.skills:
            wanted[trade.rome_code].setdefault(_key(skill), skill)
    trades = [
        Trade(c, True, open_nearby=counts.get(c, 0), mixite=mixite(c))
        for c in dict.fromkeys(wished)
    ]
    found = []
    for code in sorted(set(counts) - set(wished)):
        source = next((w for w in wished if code in mobilities(w)), None)
        needed = tuple(skill for _, skill in sorted(wanted[code].items()))
        _, matched = skill_rules.overlap(needed, person_skills, experience)
        if source is not None or len(matched) >= MIN_TRANSFERABLE:
            found.append(Trade(code, False, source, matched, counts[code], mixite(code)))
    found.sort(key=lambda t: (not t.mixite, -t.open_nearby, -len(t.transferable), t.code))
    return trades + found[:MAX_DISCOVERY]


@lru_cache(maxsize=4096)
def nearby_communes(snapshot: Snapshot, home: str) -> tuple[str, ...]:
    """The communes within NEARBY_KM of `home` (centroids, the matching's distance): the
    employers whose open needs count for the person."""
    if not snapshot.has_commune(home):
        return ()
    return tuple(c for c in snapshot.communes if snapshot.distance_km(home, c) <= NEARBY_KM)


def pick(
    trades: Sequence[Trade],
    actions: Iterable[Action],
    profile: Profile,
    *,
    at: datetime,
    distance: DistanceFn,
    limit: int = MAX_PROPOSALS,
) -> list[Pick]:
    """Per trade in order, its actions by earliest fitting session: at most `limit`, each
    action once. Every pick passes the hard constraints (actions.session_faults)."""
    fits = [f for f in (earliest_fit(a, profile, at=at, distance=distance) for a in actions) if f]
    fits.sort(key=lambda f: (f.session.starts_at, f.action.action_id))
    picks: list[Pick] = []
    taken: set[str] = set()
    for trade in trades:
        for fit in fits:
            if trade.code in fit.action.rome_codes and fit.action.action_id not in taken:
                taken.add(fit.action.action_id)
                picks.append(Pick(fit, trade))
                if len(picks) == limit:
                    return picks
    return picks
