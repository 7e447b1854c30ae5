"""Per-purpose keys derived from the one root secret (`SPIE_SECRET_KEY`) with HKDF-SHA256
(RFC 5869), each with a key id, so that a purpose's key rotates alone.

A key id reads `<purpose>.<generation>` (e.g. `session.1`). Every token or stored hash carries
the id of the key that made it; verifying looks the id up among the keys still accepted: the
purpose's current generation and, during a rotation, the one before. Rotating a purpose is raising
its generation (`SPIE_KEY_GENERATIONS='{"session": 2}'`): new tokens use `session.2`, tokens of
`session.1` keep working until they expire, `session.0` and older are refused.

Webhook secrets are not here on purpose: a receiver holds them, so they are never derived from
the root (a structure that verifies webhooks must not hold anything that mints a sign-in).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

Purpose = Literal[
    "login",  # inbox sign-in links
    "session",  # the session cookie of the pages
    "csrf",  # the forms' anti-forgery tokens
    "api-key",  # pepper of the federations' API keys (employer_intake)
    "bearer-token",  # pepper of the référents' API tokens (candidate_profile)
    "consent-ledger",  # keyed hashes of erased candidates' ids (candidate_profile)
    "erasure",  # keyed hashes of erased candidates' ids (matcher, notifier)
    "identity",  # signed assertions of who a caller is, checked by another service
    "passeport-link",  # keyed hashes of the passeport's personal links (candidate_profile)
]
PURPOSES: tuple[str, ...] = get_args(Purpose)
_SALT = b"spie-31/keys/v1"


class UnknownKeyId(ValueError):
    """The key id is malformed, of another purpose, or of a generation no longer accepted."""


def hkdf_sha256(ikm: bytes, *, salt: bytes, info: bytes, length: int = 32) -> bytes:
    """RFC 5869: extract then expand."""
    prk = hmac.new(salt or bytes(32), ikm, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


@dataclass(frozen=True)
class Keyring:
    """The keys of every purpose, derived once from the root secret."""

    root: bytes = field(repr=False)
    generations: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.generations) - set(PURPOSES)
        if unknown:
            raise ValueError(f"unknown key purpose(s): {', '.join(sorted(unknown))}")
        if any(g < 1 for g in self.generations.values()):
            raise ValueError("key generations start at 1")

    def generation(self, purpose: Purpose) -> int:
        return self.generations.get(purpose, 1)

    def current(self, purpose: Purpose) -> tuple[str, bytes]:
        """(key id, key) to sign or hash with now."""
        generation = self.generation(purpose)
        return f"{purpose}.{generation}", self._derive(purpose, generation)

    def accepted(self, purpose: Purpose) -> dict[str, bytes]:
        """Key id -> key, for every generation a token of `purpose` may still carry."""
        current = self.generation(purpose)
        kept = range(max(1, current - 1), current + 1)
        return {f"{purpose}.{g}": self._derive(purpose, g) for g in kept}

    def kept(self, purpose: Purpose) -> dict[str, bytes]:
        """Key id -> key of every generation up to the current, for hashes kept for ever.

        An erasure record or a consent-ledger entry hides an id that is gone: it cannot be
        re-made with a new key, so it stays verifiable with the generation that made it.
        """
        last = self.generation(purpose)
        return {f"{purpose}.{g}": self._derive(purpose, g) for g in range(1, last + 1)}

    def by_id(self, purpose: Purpose, kid: str) -> bytes:
        """The key a token names, if it is still accepted for this purpose."""
        key = self.accepted(purpose).get(kid)
        if key is None:
            raise UnknownKeyId("clé inconnue ou retirée")
        return key

    def _derive(self, purpose: str, generation: int) -> bytes:
        return hkdf_sha256(self.root, salt=_SALT, info=f"{purpose}|{generation}".encode())
