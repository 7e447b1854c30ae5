"""Who may open the inbox: sign-in with a single-use link, sessions kept server-side, and their
revocation (sign-out, sign-out everywhere, deactivation), each taking effect at once.

Federation users sign in the same way (one sign-in for everyone): the link carries their user
id, `sign_in` finds which table it is in, and their session is vouched for at the front door as
a `federation` identity for the federations' portal (never for the inbox).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

import asyncpg

from shared.keys import Keyring
from shared.login_token import LoginClaim, issue_login_token

from .adapters import access_repo
from .adapters import federation_access_repo as federation_repo
from .adapters.db import connection, transaction
from .domain.errors import SignInRefused
from .domain.model import FederationAccount, Referent

Principal = Literal["referent", "federation"]


@dataclass(frozen=True)
class OpenedSession:
    session_id: UUID
    principal: Principal  # whose session: where to go after sign-in


async def sign_in(
    *, pool: asyncpg.Pool, claim: LoginClaim, now: datetime, session_hours: int
) -> OpenedSession:
    """Spend the link and open a session; SignInRefused says why not (nothing is spent then).
    The link's id is a référent's, or else a federation user's."""
    expires_at = now + timedelta(hours=session_hours)
    async with transaction(pool) as conn:
        access = await access_repo.lock_referent_access(conn, referent_id=claim.referent_id)
        if access is None:
            return await _federation_sign_in(conn, claim, now=now, expires_at=expires_at)
        _check_access(access, claim)
        spent = await access_repo.spend_login_token(
            conn,
            token_id=claim.token_id,
            referent_id=claim.referent_id,
            expires_at=claim.expires_at,
            now=now,
        )
        if not spent:
            raise SignInRefused("lien déjà utilisé, demandez un nouveau lien")
        session_id = await access_repo.open_session(
            conn, referent_id=claim.referent_id, now=now, expires_at=expires_at
        )
        return OpenedSession(session_id, "referent")


def _check_access(access: tuple[bool, datetime | None], claim: LoginClaim) -> None:
    active, not_before = access
    if not active:
        raise SignInRefused("accès désactivé")
    if not_before is not None and claim.issued_at < not_before:
        raise SignInRefused("lien révoqué, demandez un nouveau lien")


async def _federation_sign_in(
    conn: asyncpg.Connection, claim: LoginClaim, *, now: datetime, expires_at: datetime
) -> OpenedSession:
    user_id = claim.referent_id  # the link's id field: here a federation user's
    access = await federation_repo.lock_access(conn, user_id=user_id)
    if access is None:
        raise SignInRefused("compte inconnu du SPIE")
    _check_access(access, claim)
    spent = await federation_repo.spend_login_token(
        conn, token_id=claim.token_id, user_id=user_id, expires_at=claim.expires_at, now=now
    )
    if not spent:
        raise SignInRefused("lien déjà utilisé, demandez un nouveau lien")
    session_id = await federation_repo.open_session(
        conn, user_id=user_id, now=now, expires_at=expires_at
    )
    return OpenedSession(session_id, "federation")


async def session_federation_user(
    *, pool: asyncpg.Pool, session_id: UUID, now: datetime
) -> FederationAccount | None:
    """The federation user of a live session, if still active."""
    async with connection(pool) as conn:
        return await federation_repo.session_account(conn, session_id=session_id, now=now)


async def session_referent(
    *, pool: asyncpg.Pool, session_id: UUID, now: datetime
) -> Referent | None:
    """The référent of a live session, if still active; None sends back to sign-in."""
    async with connection(pool) as conn:
        return await access_repo.session_referent(conn, session_id=session_id, now=now)


async def sign_out(*, pool: asyncpg.Pool, session_id: UUID, now: datetime) -> None:
    async with connection(pool) as conn:
        await access_repo.end_session(conn, session_id=session_id, now=now)


async def sign_out_everywhere(*, pool: asyncpg.Pool, referent_id: UUID, now: datetime) -> int:
    """End every session of the référent and refuse the links issued so far; how many ended."""
    async with transaction(pool) as conn:
        return await access_repo.revoke_all(conn, referent_id=referent_id, now=now)


async def sign_out_federation_user_everywhere(
    *, pool: asyncpg.Pool, user_id: UUID, now: datetime
) -> int:
    """The same for a federation user."""
    async with transaction(pool) as conn:
        return await federation_repo.revoke_all(conn, user_id=user_id, now=now)


# Sign-in links asked for at the front door: a few per address per hour, and a ceiling for the
# whole service (a flood of addresses must not turn the mail relay into a spam cannon).
LINKS_PER_ADDRESS_PER_HOUR = 5
LINKS_PER_MINUTE = 60


class TooManyRequests(Exception):
    """Asked too often: the same answer whether or not the address is a référent's."""


@dataclass(frozen=True)
class LinkMail:
    to: str
    name: str
    token: str
    expires_at: datetime
    principal: Principal = "referent"  # which space the e-mail names


def address_hash(keyring: Keyring, email: str) -> str:
    _, key = keyring.current("login")
    normal = email.strip().lower().encode()
    return hmac.new(key, b"sign-in-address|" + normal, hashlib.sha256).hexdigest()


async def request_link(
    *, pool: asyncpg.Pool, keyring: Keyring, email: str, now: datetime, minutes: int
) -> LinkMail | None:
    """Count the request and, for an active référent's or federation user's address (the
    référent's first, should both have it), a single-use link to e-mail. None for any other
    address; the caller answers the same either way."""
    hashed = address_hash(keyring, email)
    async with transaction(pool) as conn:
        mine, _ = await access_repo.count_link_requests(
            conn, address_hash=hashed, since=now - timedelta(hours=1)
        )
        _, everyone = await access_repo.count_link_requests(
            conn, address_hash=hashed, since=now - timedelta(minutes=1)
        )
        if mine >= LINKS_PER_ADDRESS_PER_HOUR or everyone >= LINKS_PER_MINUTE:
            raise TooManyRequests
        await access_repo.record_link_request(
            conn, address_hash=hashed, now=now, keep_since=now - timedelta(days=1)
        )
        referent = await access_repo.active_referent_by_email(conn, email=email.strip())
        account = None
        if referent is None:
            account = await federation_repo.active_by_email(conn, email=email.strip())
    expires = now + timedelta(minutes=minutes)
    if referent is not None:
        token = issue_login_token(keyring, referent.referent_id, expires, now=now)
        return LinkMail(to=referent.email, name=referent.name, token=token, expires_at=expires)
    if account is not None:
        token = issue_login_token(keyring, account.user_id, expires, now=now)
        return LinkMail(account.email, account.name, token, expires, principal="federation")
    return None
