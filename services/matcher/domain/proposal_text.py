"""The French sentence of a proposal of action: which trade and why, where, when.

It never speaks of the person's sex: a mixité trade is said to be open to everyone.
"""

from __future__ import annotations

from collections.abc import Callable

from services.matcher.domain.discovery import NEARBY_KM, Pick, Trade

MIXITE = "métier ouvert à toutes et à tous, où les préjugés éloignent encore"
MAX_SKILLS = 4


def explain(pick: Pick, *, label: Callable[[str], str]) -> str:
    trade = pick.trade
    parts = [_trade(trade, label)]
    if trade.transferable:
        shown = ", ".join(trade.transferable[:MAX_SKILLS])
        more = len(trade.transferable) - MAX_SKILLS
        parts.append(f"compétences transférables : {shown}" + (f" (+{more})" if more > 0 else ""))
    if not trade.wished:
        parts.append(_offers(trade.open_nearby))
    if trade.mixite:
        parts.append(MIXITE)
    parts.append(_place(pick.fit.distance_km))
    parts.append(f"session du {pick.fit.session.starts_at:%d/%m/%Y}")
    return " · ".join(parts)


def _trade(trade: Trade, label: Callable[[str], str]) -> str:
    named = f"{label(trade.code)} ({trade.code})"
    if trade.wished:
        return f"Métier souhaité : {named}"
    text = f"Métier à découvrir : {named}"
    if trade.mobilite_from:
        source = trade.mobilite_from
        text += f" · mobilité ROME depuis {label(source)} ({source})"
    return text


def _offers(n: int) -> str:
    offers = "1 offre ouverte" if n == 1 else f"{n} offres ouvertes"
    return f"{offers} à moins de {NEARBY_KM} km"


def _place(km: float | None) -> str:
    if km is None:
        return "à distance"
    if km < 0.5:
        return "dans la commune de la personne"
    return f"{round(km)} km de chez la personne"
