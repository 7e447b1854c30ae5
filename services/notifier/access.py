"""Who may open the inbox: sign-in with a single-use link, sessions kept server-side, and their
revocation (sign-out, sign-out everywhere, deactivation), each taking effect at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from shared.login_token import LoginClaim

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
