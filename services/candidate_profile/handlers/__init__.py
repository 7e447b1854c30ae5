"""Use cases of the service: each takes a connection inside the caller's transaction."""

from services.candidate_profile.handlers.context import Context

__all__ = ["Context"]
