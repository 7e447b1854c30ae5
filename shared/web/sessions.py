"""The pages' session cookie (HttpOnly, SameSite=Lax) and the CSRF token of its forms.

The cookie holds only a session id signed with the `session` key; the session itself is a row
(services/notifier/access.py: the notifier owns sign-in), so sign-out and deactivation end it
at once. The CSRF token is the same id signed with the `csrf` key: a page of another site
cannot read the cookie, so it cannot make one; and a cookie value is no CSRF token (nor a
sign-in link), the purposes differ.
"""

from __future__ import annotations

from uuid import UUID

from shared.keys import Keyring
from shared.signed_token import InvalidToken, sign, verify

COOKIE = "spie_session"


def cookie_value(keyring: Keyring, session_id: UUID) -> str:
    return sign(keyring, "session", (session_id.hex,))


def session_id_of(keyring: Keyring, cookie: str | None) -> UUID | None:
    """The session a genuine cookie names; whether it is still alive, the database says."""
    if not cookie:
        return None
    try:
        (raw,) = verify(keyring, "session", cookie, fields=1)
        return UUID(hex=raw)
    except (InvalidToken, ValueError):
        return None


def csrf_token(keyring: Keyring, session_id: UUID) -> str:
    return sign(keyring, "csrf", (session_id.hex,))


def csrf_ok(keyring: Keyring, session_id: UUID, token: str | None) -> bool:
    if not token:
        return False
    try:
        (raw,) = verify(keyring, "csrf", token, fields=1)
    except InvalidToken:
        return False
    return raw == session_id.hex
