"""Référents: creation with a bearer token, authentication, revocation, alert preferences."""

from __future__ import annotations

import uuid
from datetime import timedelta
from uuid import UUID

from services.candidate_profile.adapters import outbox, referents_repo
from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain.errors import InvalidField, ReferentError
from services.candidate_profile.domain.hashing import new_token, token_hash, token_hashes
from services.candidate_profile.domain.referents import Referent, referent_upserted
from services.candidate_profile.handlers.context import Context
from shared.contracts import AlertPreferences
from shared.destinations import DestinationRefused, vet_destination


async def _save_and_publish(conn: Conn, referent: Referent) -> None:
    await referents_repo.save(conn, referent)
    await outbox.publish(conn, referent_upserted(referent))


async def issue_token(conn: Conn, *, referent_id: UUID, days: int, ctx: Context) -> str:
    """A new token, returned once: only its keyed hash is stored."""
    token = new_token()
    await referents_repo.add_token(
        conn,
        referent_id=referent_id,
        token_hash=token_hash(token, ctx.keyring),
        expires_at=ctx.clock() + timedelta(days=days),
    )
    return token


async def create(
    conn: Conn, *, structure: str, name: str, email: str, days: int, ctx: Context
) -> tuple[Referent, str]:
    referent = Referent(referent_id=uuid.uuid4(), structure=structure, name=name, email=email)
    await referents_repo.ensure_structure(conn, structure)
    await _save_and_publish(conn, referent)
    return referent, await issue_token(conn, referent_id=referent.referent_id, days=days, ctx=ctx)


async def authenticate(conn: Conn, *, token: str, ctx: Context) -> Referent | None:
    return await referents_repo.by_token(
        conn, token_hashes=token_hashes(token, ctx.keyring), now=ctx.clock()
    )


async def revoke(conn: Conn, *, token: str | None, referent_id: UUID | None, ctx: Context) -> int:
    if token is not None:
        return await referents_repo.revoke_token(
            conn, token_hashes=token_hashes(token, ctx.keyring), now=ctx.clock()
        )
    if referent_id is not None:
        return await referents_repo.revoke_all(conn, referent_id=referent_id, now=ctx.clock())
    raise ReferentError("give a token or a référent id")


async def vet_preferences(preferences: AlertPreferences, *, ctx: Context) -> None:
    """Refuse a webhook URL the notifier must never call (SSRF); the notifier checks again when
    it sends, since a name may resolve elsewhere by then. Call outside a transaction: it may
    ask the DNS."""
    if preferences.webhook_url is None:
        return
    try:
        await vet_destination(
            str(preferences.webhook_url),
            require_https=ctx.webhook_https_only,
            allow_loopback=ctx.webhook_allow_loopback,
            resolver=ctx.resolver,
        )
    except DestinationRefused as exc:
        raise InvalidField(
            ("body", "webhook_url"),
            f"Adresse de webhook refusée : {exc.reason}.",
            "webhook_url_refused",
        ) from exc


async def set_preferences(
    conn: Conn, *, actor: Referent, preferences: AlertPreferences
) -> Referent:
    referent = actor.model_copy(update={"preferences": preferences})
    await _save_and_publish(conn, referent)
    return referent


async def deactivate(conn: Conn, *, referent_id: UUID, ctx: Context) -> Referent:
    referent = await referents_repo.get(conn, referent_id)
    if referent is None:
        raise ReferentError(f"no référent {referent_id}")
    referent = referent.model_copy(update={"active": False})
    await _save_and_publish(conn, referent)
    await referents_repo.revoke_all(conn, referent_id=referent_id, now=ctx.clock())
    return referent
