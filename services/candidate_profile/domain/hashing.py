"""Keyed hashes: bearer tokens and erased ids are kept only as HMAC-SHA256 with the pepper."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from uuid import UUID

TOKEN_PREFIX = "spie_"  # noqa: S105 - a visible prefix, not a secret


def keyed_hash(value: str, pepper: str) -> str:
    return hmac.new(pepper.encode(), value.encode(), hashlib.sha256).hexdigest()


def subject_hash(candidate_id: UUID, pepper: str) -> str:
    """What the ledger and the erasure record keep instead of the candidate's id."""
    return keyed_hash(f"candidate:{candidate_id}", pepper)


def token_hash(token: str, pepper: str) -> str:
    return keyed_hash(f"token:{token}", pepper)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)
