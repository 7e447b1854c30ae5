"""Who may open the inbox: sign-in with a single-use link, sessions kept server-side, and their
revocation (sign-out, sign-out everywhere, deactivation), each taking effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from shared.keys import Keyring
from shared.login_token import LoginClaim, issue_login_token

from .adapters import access_repo
from .adapters.db import connection, transaction
from .domain.errors import SignInRefused
from .domain.model import Referent


async def sign_in(
    *, pool: asyncpg.Pool, claim: LoginClaim, now: datetime, session_hours: int
) -> UUID:
    """Spend the link and open a session; SignInRefused says why not (nothing is spent then)."""
    async with transaction(pool) as conn:
        access = await access_repo.lock_referent_access(conn, referent_id=claim.referent_id)
        if access is None:
            raise SignInRefused("référent inconnu du service d'alertes")
        active, not_before = access
        if not active:
            raise SignInRefused("accès désactivé")
        if not_before is not None and claim.issued_at < not_before:
            raise SignInRefused("lien révoqué, demandez un nouveau lien")
        spent = await access_repo.spend_login_token(
            conn,
            token_id=claim.token_id,
            referent_id=claim.referent_id,
            expires_at=claim.expires_at,
            now=now,
        )
        if not spent:
            raise SignInRefused("lien déjà utilisé, demandez un nouveau lien")
        return await access_repo.open_session(
            conn,
            referent_id=claim.referent_id,
            now=now,
            expires_at=now + timedelta(hours=session_hours),
        )


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


def address_hash(keyring: Keyring, email: str) -> str:
    _, key = keyring.current("login")
    normal = email.strip().lower().encode()
    return hmac.new(key, b"sign-in-address|" + normal, hashlib.sha256).hexdigest()


async def request_link(
    *, pool: asyncpg.Pool, keyring: Keyring, email: str, now: datetime, minutes: int
) -> LinkMail | None:
    """Count the request and, for an active référent's address, a single-use link to e-mail.
    None for any other address; the caller answers the same either way."""
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
    if referent is None:
        return None
    expires = now + timedelta(minutes=minutes)
    token = issue_login_token(keyring, referent.referent_id, expires, now=now)
    return LinkMail(to=referent.email, name=referent.name, token=token, expires_at=expires)
