"""Sign-in tokens for the référents' inbox: any service holding SPIE_SECRET_KEY can issue one
(the profile service, or `python -m services.notifier login-link`), and the notifier verifies it
on its own, without a lookup and without putting anything secret on Kafka.

Format: `v1.<referent_id>.<expires_unix>.<hex HMAC-SHA256(key, "spie-login|v1|<id>|<exp>")>`.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from uuid import UUID

VERSION = "v1"


class InvalidLoginToken(ValueError):
    """The token is malformed, forged or expired (the message says which, never the token)."""


def _mac(key: bytes, purpose: str, *parts: str) -> str:
    message = "|".join((purpose, VERSION, *parts)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def issue_login_token(key: bytes, referent_id: UUID, expires_at: datetime) -> str:
    expires = str(int(expires_at.timestamp()))
    return f"{VERSION}.{referent_id}.{expires}.{_mac(key, 'spie-login', str(referent_id), expires)}"


def verify_login_token(key: bytes, token: str, *, now: datetime | None = None) -> UUID:
    """Return the référent the token was issued to, or raise InvalidLoginToken."""
    parts = token.strip().split(".")
    if len(parts) != 4 or parts[0] != VERSION:
        raise InvalidLoginToken("jeton mal formé")
    _, raw_id, expires, mac = parts
    try:
        referent_id = UUID(raw_id)
        expires_at = datetime.fromtimestamp(int(expires), UTC)
    except (ValueError, OverflowError) as exc:
        raise InvalidLoginToken("jeton mal formé") from exc
    if not hmac.compare_digest(mac, _mac(key, "spie-login", raw_id, expires)):
        raise InvalidLoginToken("jeton invalide")
    if expires_at <= (now or datetime.now(UTC)):
        raise InvalidLoginToken("jeton expiré")
    return referent_id
