"""API keys of the federations: shown once, stored as an HMAC with the service's secret.

A key reads `spie_<prefix>_<secret>`: the prefix identifies it to ops (logs, revocation)
without revealing it; only HMAC-SHA256(pepper, key) is stored, with the id of the pepper (the
`api-key` purpose key of shared/keys.py, e.g. `api-key.1`), so a stolen table is useless without
the root secret and the pepper rotates alone.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from shared.keys import Keyring, UnknownKeyId

FEDERATION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_KEY = re.compile(r"^spie_([a-z0-9]{8})_[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class NewKey:
    key: str
    prefix: str


@dataclass(frozen=True)
class ApiKey:
    key_id: UUID
    federation: str
    prefix: str
    expires_at: datetime | None
    revoked_at: datetime | None

    def usable_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


def generate() -> NewKey:
    prefix = secrets.token_hex(4)
    return NewKey(f"spie_{prefix}_{secrets.token_urlsafe(32)}", prefix)


def digest(key: str, *, pepper: bytes) -> bytes:
    return hmac.new(pepper, key.encode(), hashlib.sha256).digest()


def genuine(key: str, *, stored: bytes, kid: str, keyring: Keyring) -> bool:
    """The key hashes to the stored HMAC under the pepper its row names, if still accepted."""
    try:
        pepper = keyring.by_id("api-key", kid)
    except UnknownKeyId:
        return False  # made with a retired generation of the pepper: re-issue the key
    return hmac.compare_digest(digest(key, pepper=pepper), stored)


def prefix_of(key: str) -> str:
    """The prefix of a well-formed key."""
    return key.split("_")[1]


def well_formed(key: str) -> bool:
    return _KEY.fullmatch(key) is not None


def valid_federation(name: str) -> bool:
    return FEDERATION.fullmatch(name) is not None
