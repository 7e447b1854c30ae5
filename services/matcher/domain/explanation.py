"""The French sentence a référent reads in ten seconds: trade, distance, licence, skills."""

from __future__ import annotations

from collections.abc import Callable

from services.matcher.domain.model import Need, Profile
from services.matcher.domain.rome import RomeLink

SCHEDULE_FR = {"early_morning": "tôt le matin", "night": "nuit", "weekend": "week-end"}
MAX_SKILLS = 4


def explain(
    *,
    need: Need,
    profile: Profile,
    link: RomeLink,
    label: Callable[[str], str],
    distance_km: float,
    matched_skills: tuple[str, ...],
    beginner_welcome: bool,
    shared_words: tuple[str, ...] = (),
) -> str:
    parts = [_trade(link, label, shared_words), _distance(distance_km)]
    if need.driving_licence_required:
        parts.append("permis B")
    special = [SCHEDULE_FR[s] for s in sorted(need.schedules) if s in SCHEDULE_FR]
    if special:
        parts.append("horaires possibles : " + ", ".join(special))
    if matched_skills:
        shown = ", ".join(s.lower() for s in matched_skills[:MAX_SKILLS])
        more = len(matched_skills) - MAX_SKILLS
        parts.append(f"compétences communes : {shown}" + (f" (+{more})" if more > 0 else ""))
    if beginner_welcome:
        parts.append("débutant·e accepté·e")
    if profile.available_from and need.start_date and profile.available_from > need.start_date:
        parts.append(f"disponible à partir du {profile.available_from:%d/%m/%Y}")
    return " · ".join(parts)


def _trade(link: RomeLink, label: Callable[[str], str], words: tuple[str, ...]) -> str:
    def named(code: str | None) -> str:
        return f"{label(code)} ({code})" if code else "?"

    if link.kind == "same":
        return f"Même métier : {named(link.need_code)}"
    if words:
        # The text names the trade: that evidence comes first, the taxonomy after.
        return f"Métier nommé dans le profil : {', '.join(words[:MAX_SKILLS])}"
    if link.kind == "mobility":
        return (
            "Métier proche (mobilité ROME, à découvrir) : "
            f"{named(link.profile_code)} → {named(link.need_code)}"
        )
    if link.kind == "domain":
        return (
            f"Métier voisin (même domaine) : {named(link.profile_code)} → {named(link.need_code)}"
        )
    return "Profil proche de l'offre (textes similaires)"


def _distance(km: float) -> str:
    return "même commune" if km < 0.5 else f"{round(km)} km"
