"""Signing in to the federations' portal in tests: a user of the intake's table, with the front
door's `federation` assertion and a session cookie set by hand (no nginx, no notifier)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import asyncpg

from services.employer_intake.domain.federation_users import FederationUser, check_new_user
from services.employer_intake.federation_users import create_user
from shared import identity
from shared.keys import Keyring
from shared.web import sessions
from shared.web.door import IDENTITY_HEADER


@dataclass(frozen=True)
class PortalSession:
    user: FederationUser
    cookies: dict[str, str]
    headers: dict[str, str]
    csrf: str


def door_session(keyring: Keyring, user: FederationUser) -> PortalSession:
    session_id = uuid.uuid4()
    header = identity.issue(
        keyring,
        role="federation",
        subject=str(user.user_id),
        scope=user.federation,
        lifetime=timedelta(minutes=2),
    )
    return PortalSession(
        user=user,
        cookies={sessions.COOKIE: sessions.cookie_value(keyring, session_id)},
        headers={IDENTITY_HEADER: header},
        csrf=sessions.csrf_token(keyring, session_id),
    )


async def portal_user(
    pool: asyncpg.Pool, keyring: Keyring, federation: str, *, admin: bool = False
) -> PortalSession:
    """A new user of `federation` (an admin if asked), signed in to the portal."""
    email = f"julie.{uuid.uuid4().hex[:10]}@federation.example.org"
    new, errors = check_new_user("Julie Martin", email, "admin" if admin else "member")
    assert new is not None, errors
    user = await create_user(pool, federation=federation, user=new)
    return door_session(keyring, user)
