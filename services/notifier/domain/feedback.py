"""Who may act on a match, and what counts as a decision."""

from __future__ import annotations

from uuid import UUID

from shared.contracts.notifications import NOT_RELEVANT_REASONS, FeedbackDecision

from .errors import AlertRedacted, AlreadyClaimed, InvalidFeedback
from .model import Alert


def parse_decision(decision: str, reason: str | None) -> tuple[FeedbackDecision, str | None]:
    try:
        chosen = FeedbackDecision(decision)
    except ValueError as exc:
        raise InvalidFeedback(f"décision inconnue : {decision!r}") from exc
    if chosen is not FeedbackDecision.NOT_RELEVANT:
        return chosen, None
    if reason not in NOT_RELEVANT_REASONS:
        raise InvalidFeedback("choisissez un motif pour « pas pertinent »")
    return chosen, reason


def check_may_act(alert: Alert, referent_id: UUID) -> None:
    """The first référent to act on a shared match claims it; the others see who did."""
    if alert.redacted:
        raise AlertRedacted("profil supprimé")
    if alert.claimed_by is not None and alert.claimed_by != referent_id:
        raise AlreadyClaimed(
            alert.claimed_by_name or "un autre référent", alert.claimed_by_structure or "?"
        )
