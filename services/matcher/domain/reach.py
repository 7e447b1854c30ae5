"""What each constraint of a need costs: how many profiles fit it, and how many with one relaxed.

A profile counts for a need when it meets the hard constraints of `compatibility.check`
(consent, distance within its mobility, licence, schedules), is available by the need's start
date, is not a beginner when the need is closed to beginners, and is of the need's trade
(`same_trade`: the rule under which the matcher proposes a pair whatever its score). Availability
and experience only shape a proposal's explanation in the matcher; they are counted here because
they are what a federation asks and can loosen. Each what-if relaxes ONE of them, the others kept.
Pure: distances come in as a function, beginners as a predicate; nobody's identity comes out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.matcher.domain.compatibility import DistanceFn
from services.matcher.domain.model import Need, Profile
from services.matcher.domain.trades import CONFIDENT, Reading, evidence

A_MONTH = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Relaxation:
    name: str
    no_licence: bool = False
    extra_km: float = 0.0
    schedule_dropped: str | None = None
    beginners: bool = False
    later: timedelta = timedelta(0)


AS_ASKED = Relaxation("tel_quel")


@dataclass(frozen=True, slots=True)
class Reach:
    compatible: int
    what_if: tuple[tuple[str, int], ...]  # (relaxation, compatible with it), in a stable order


def relaxations(need: Need) -> list[Relaxation]:
    """The constraints this need asks that can be loosened, one at a time."""
    found = []
    if need.driving_licence_required:
        found.append(Relaxation("sans_permis", no_licence=True))
    found += [Relaxation("plus_10_km", extra_km=10.0), Relaxation("plus_20_km", extra_km=20.0)]
    found += [Relaxation(f"sans_horaire:{s}", schedule_dropped=s) for s in sorted(need.schedules)]
    if not need.open_to_beginners:
        found.append(Relaxation("debutants", beginners=True))
    if need.start_date is not None:
        found.append(Relaxation("un_mois_plus_tard", later=A_MONTH))
    return found


def same_trade(need: Reading, profile: Reading) -> bool:
    """The matcher's `Scored.same_trade`: a confident trade in common, or evidence enough."""
    return bool(set(need.codes) & set(profile.codes)) or evidence(need, profile) >= CONFIDENT


def fits(
    need: Need,
    profile: Profile,
    relax: Relaxation,
    *,
    at: datetime,
    distance_km: float | None,
    beginner: bool,
) -> bool:
    """The profile fits the need with `relax` loosened (its trade checked by the caller)."""
    if profile.consent is None or not profile.consent.active_at(at):
        return False
    if distance_km is None or distance_km > profile.mobility_km + relax.extra_km:
        return False
    if need.driving_licence_required and not relax.no_licence and not profile.has_driving_licence:
        return False
    if (need.schedules - {relax.schedule_dropped}) & profile.unavailable_schedules:
        return False
    if beginner and not need.open_to_beginners and not relax.beginners:
        return False
    start, available = need.start_date, profile.available_from
    return start is None or available is None or available <= start + relax.later


def count(
    need: Need,
    profiles: Iterable[Profile],
    *,
    at: datetime,
    distance: DistanceFn,
    is_beginner: Callable[[Profile], bool],
) -> Reach:
    """Over profiles of the need's trade: those that fit it, and with each relaxation.

    The same counts as `fits` for each profile and relaxation, in one pass over a profile's
    constraints (a round counts hundreds of needs over thousands of profiles each): a profile
    that fails none counts as asked; one that fails only one constraint counts for the
    relaxations that loosen it enough; two or more, for none (a relaxation loosens one)."""
    ways = relaxations(need)
    index = {w.name: i for i, w in enumerate(ways)}
    compatible, relaxed = 0, [0] * len(ways)
    later = {w.name: w.later for w in ways if w.later}
    farther = [(i, w.extra_km) for i, w in enumerate(ways) if w.extra_km]
    start = need.start_date
    for profile in profiles:
        if profile.consent is None or not profile.consent.active_at(at):
            continue
        km = distance(need.commune_insee, profile.commune_insee)
        if km is None:
            continue
        fails: list[str] = []
        if km > profile.mobility_km:
            fails.append("distance")
        if need.driving_licence_required and not profile.has_driving_licence:
            fails.append("sans_permis")
        clash = need.schedules & profile.unavailable_schedules
        if clash:
            fails.append(f"sans_horaire:{next(iter(clash))}" if len(clash) == 1 else "horaires")
        if not need.open_to_beginners and is_beginner(profile):
            fails.append("debutants")
        available = profile.available_from
        if start is not None and available is not None and available > start:
            fails.append("un_mois_plus_tard")
        if len(fails) > 1:
            continue
        if not fails:
            compatible += 1
            for i in range(len(ways)):
                relaxed[i] += 1  # loosening anything keeps a profile that fits as asked
            continue
        [fail] = fails
        if fail == "distance":
            for i, extra in farther:
                relaxed[i] += km <= profile.mobility_km + extra
        elif fail == "un_mois_plus_tard":
            assert start is not None and available is not None
            if fail in index and available <= start + later[fail]:
                relaxed[index[fail]] += 1
        elif fail in index:
            relaxed[index[fail]] += 1
    return Reach(compatible, tuple((w.name, n) for w, n in zip(ways, relaxed, strict=True)))
