"""Tokens signed with a purpose key of the keyring, each naming the key that signed it.

Format: `v2.<purpose>.<generation>.<field>...<field>.<hex HMAC-SHA256>`, the MAC over
`spie|<purpose>|` + everything before it. The key id (`<purpose>.<generation>`) is read from the
token and looked up among the purpose's accepted keys (shared/keys.py), so a token of one
purpose (a session cookie) is never accepted as another (a sign-in link), and a retired
generation is refused even if its MAC is right.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from shared.keys import Keyring, Purpose, UnknownKeyId

VERSION = "v2"


class InvalidToken(ValueError):
    """Malformed, forged, of another purpose or of a retired key (the message says which)."""


def _mac(key: bytes, purpose: str, body: str) -> str:
    return hmac.new(key, f"spie|{purpose}|{body}".encode(), hashlib.sha256).hexdigest()


def sign(keyring: Keyring, purpose: Purpose, fields: Sequence[str]) -> str:
    if any("." in f or not f for f in fields):
        raise ValueError("a token field is empty or holds a dot")
    kid, key = keyring.current(purpose)
    body = ".".join((VERSION, kid, *fields))
    return f"{body}.{_mac(key, purpose, body)}"


def verify(keyring: Keyring, purpose: Purpose, token: str, *, fields: int) -> list[str]:
    """The token's fields, or InvalidToken."""
    parts = token.strip().split(".")
    if len(parts) != fields + 4 or parts[0] != VERSION:
        raise InvalidToken("jeton mal formé")
    if parts[1] != purpose:
        raise InvalidToken("jeton d'un autre usage")
    try:
        key = keyring.by_id(purpose, f"{parts[1]}.{parts[2]}")
    except UnknownKeyId as exc:
        raise InvalidToken("clé inconnue ou retirée") from exc
    body = ".".join(parts[:-1])
    if not hmac.compare_digest(parts[-1], _mac(key, purpose, body)):
        raise InvalidToken("jeton invalide")
    return parts[3:-1]
