"""Domain errors, mapped to HTTP statuses or dead-letter decisions at the edge."""


class NotifierError(Exception):
    """Base of the notifier's domain errors."""


class AlertNotFound(NotifierError):
    """No such alert in the référent's inbox (or not theirs to see)."""


class AlreadyClaimed(NotifierError):
    """Another référent acted on the shared match first."""

    def __init__(self, by_name: str, by_structure: str) -> None:
        super().__init__(f"déjà pris en charge par {by_name} ({by_structure})")
        self.by_name = by_name
        self.by_structure = by_structure


class AlertRedacted(NotifierError):
    """The candidate's profile was erased: nothing can be done on this alert any more."""


class InvalidFeedback(NotifierError):
    """A decision or reason outside the lists of shared/contracts/notifications.py."""


class SignInRefused(NotifierError):
    """A well-signed sign-in link that no longer opens the inbox (the message says why)."""


class ProposalNotFound(NotifierError):
    """No such action proposal in the référent's inbox (or not theirs to see)."""
