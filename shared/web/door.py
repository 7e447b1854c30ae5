"""Who is signed in, behind the front door.

The notifier owns sign-in and the sessions (a row per session; sign-out and deactivation end it
at once). For every request to a page, the front door (nginx `auth_request`, or the ingress's
`auth-url`) asks the notifier's `/session/porte` who the session cookie belongs to, and hands the
answer to the service owning the page in the `X-Spie-Identity` header: a `referent` assertion
(shared/identity.py) signed with the `identity` key, naming the référent and its structure,
valid two minutes. The door overwrites whatever header the browser sent, and a service verifies
the signature, so a forged or stale header is refused even by a service reached around the door.

A service never reads the notifier's tables and never calls it: the door does, once per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote
from uuid import UUID

from fastapi import Request

from shared import identity
from shared.keys import Keyring

from . import sessions

IDENTITY_HEADER = "X-Spie-Identity"
DOOR_LIFETIME = timedelta(minutes=2)
SIGN_IN_PATH = "/connexion"


class SignInRequired(Exception):
    """No live session: the page sends the browser to sign in, then back to `next_path`."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


@dataclass(frozen=True)
class WebUser:
    referent_id: UUID
    structure: str
    session_id: UUID | None  # from the session cookie: binds the forms' CSRF tokens

    def csrf(self, keyring: Keyring) -> str:
        return sessions.csrf_token(keyring, self.session_id) if self.session_id else ""

    def csrf_ok(self, keyring: Keyring, token: str | None) -> bool:
        return self.session_id is not None and sessions.csrf_ok(keyring, self.session_id, token)


def door_assertion(
    keyring: Keyring, *, referent_id: UUID, structure: str, now: datetime | None = None
) -> str:
    """What the notifier answers the door for a live session."""
    return identity.issue(
        keyring,
        role="referent",
        subject=str(referent_id),
        scope=structure,
        lifetime=DOOR_LIFETIME,
        now=now,
    )


def web_user(request: Request, keyring: Keyring, *, now: datetime | None = None) -> WebUser | None:
    """The référent the door vouches for, if any (None: not signed in, or a bad header)."""
    header = request.headers.get(IDENTITY_HEADER)
    if not header:
        return None
    try:
        who = identity.verify(keyring, header, roles={"referent"}, now=now)
        referent_id = UUID(who.subject)
    except (identity.InvalidAssertion, identity.WrongRole, ValueError):
        return None
    session_id = sessions.session_id_of(keyring, request.cookies.get(sessions.COOKIE))
    return WebUser(referent_id=referent_id, structure=who.scope, session_id=session_id)


def require_web_user(request: Request, keyring: Keyring) -> WebUser:
    user = web_user(request, keyring)
    if user is None:
        raise SignInRequired(
            request.url.path + (f"?{request.url.query}" if request.url.query else "")
        )
    return user


def local_path(next_path: str) -> str:
    """Only a path of this site is kept as the way back after sign-in (no open redirect)."""
    bad = not next_path.startswith("/") or next_path.startswith("//")
    if bad or "\\" in next_path or any(c in next_path for c in "\r\n\t"):
        return "/"
    return next_path


def sign_in_url(next_path: str) -> str:
    return f"{SIGN_IN_PATH}?suite={quote(local_path(next_path), safe='/')}"
