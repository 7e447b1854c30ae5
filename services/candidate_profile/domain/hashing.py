"""Keyed hashes: bearer tokens and erased ids are kept only as HMAC-SHA256 with a purpose key.

Each stored hash keeps the id of the key that made it (`bearer-token.1`, `consent-ledger.1`), so
a purpose's key rotates alone (shared/keys.py). A bearer token is checked against the keys still
accepted (the current generation and the one before); a candidate's ledger and erasure record,
which can never be re-made once the id is gone, against every generation up to the current.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from uuid import UUID

from shared.keys import Keyring

TOKEN_PREFIX = "spie_"  # noqa: S105 - a visible prefix, not a secret


@dataclass(frozen=True)
class KeyedHash:
    kid: str
    value: str


def keyed_hash(value: str, key: bytes) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def subject_hash(candidate_id: UUID, keyring: Keyring) -> KeyedHash:
    """What the ledger and the erasure record keep instead of the candidate's id."""
    kid, key = keyring.current("consent-ledger")
    return KeyedHash(kid, keyed_hash(f"candidate:{candidate_id}", key))


def subject_hashes(candidate_id: UUID, keyring: Keyring) -> list[KeyedHash]:
    """The candidate's hash under every generation its ledger entries may have been made with."""
    kept = keyring.kept("consent-ledger").items()
    return [KeyedHash(kid, keyed_hash(f"candidate:{candidate_id}", key)) for kid, key in kept]


def token_hash(token: str, keyring: Keyring) -> KeyedHash:
    kid, key = keyring.current("bearer-token")
    return KeyedHash(kid, keyed_hash(f"token:{token}", key))


def token_hashes(token: str, keyring: Keyring) -> list[KeyedHash]:
    """The token's hash under each key still accepted: a retired generation's tokens fail."""
    accepted = keyring.accepted("bearer-token").items()
    return [KeyedHash(kid, keyed_hash(f"token:{token}", key)) for kid, key in accepted]


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)
