"""The inbox's session cookie (signed, HttpOnly, SameSite=Lax) and the CSRF token of its forms.

The cookie holds `<referent_id>.<expires_unix>.<HMAC>`: nothing to store server-side, and the
key (SPIE_SECRET_KEY) rotates every session at once. The CSRF token is an HMAC of the cookie, so a
page from another site, which cannot read the cookie, cannot forge it.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from uuid import UUID

COOKIE = "spie_session"


def _mac(key: bytes, purpose: str, value: str) -> str:
    return hmac.new(key, f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()


def open_session(key: bytes, referent_id: UUID, *, hours: int, now: datetime | None = None) -> str:
    expires = int(((now or datetime.now(UTC)) + timedelta(hours=hours)).timestamp())
    value = f"{referent_id}.{expires}"
    return f"{value}.{_mac(key, 'session', value)}"


def read_session(key: bytes, cookie: str | None, *, now: datetime | None = None) -> UUID | None:
    if not cookie or cookie.count(".") != 2:
        return None
    value, _, mac = cookie.rpartition(".")
    if not hmac.compare_digest(mac, _mac(key, "session", value)):
        return None
    raw_id, _, expires = value.partition(".")
    try:
        if int(expires) <= (now or datetime.now(UTC)).timestamp():
            return None
        return UUID(raw_id)
    except ValueError:
        return None


def csrf_token(key: bytes, cookie: str) -> str:
    return _mac(key, "csrf", cookie)


def csrf_ok(key: bytes, cookie: str | None, token: str | None) -> bool:
    if not cookie or not token:
        return False
    return hmac.compare_digest(csrf_token(key, cookie), token)
