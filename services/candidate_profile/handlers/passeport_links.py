"""What is done with the passeport's links without account: the référent gives and takes them
back; the person validates and comments a section; an employer attests skills observed.

A token is made once (secrets.token_urlsafe), returned once, and only its keyed hash is kept
(purpose `passeport-link` of the keyring): a link opens its own passeport, while unrevoked and
unexpired, and a change made through it is recorded as 'personne' or as the employer's label.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Mapping
from uuid import UUID

from services.candidate_profile.adapters import passeport_links_repo as links_repo
from services.candidate_profile.adapters import passeport_repo as repo
from services.candidate_profile.adapters import profiles_repo
from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain import passeport as rules
from services.candidate_profile.domain import passeport_forms as forms
from services.candidate_profile.domain.hashing import KeyedHash
from services.candidate_profile.domain.model import Profile
from services.candidate_profile.domain.passeport import Link, LinkUnusable
from services.candidate_profile.domain.referents import Referent
from services.candidate_profile.handlers.context import Context
from services.candidate_profile.handlers.passeport import record
from shared.keys import Keyring


def _hash(token: str, kid: str, key: bytes) -> KeyedHash:
    return KeyedHash(kid, hmac.new(key, f"passeport:{token}".encode(), hashlib.sha256).hexdigest())


def token_hashes(token: str, keyring: Keyring) -> list[KeyedHash]:
    """The token's hash under each key still accepted: a retired generation's links fail."""
    return [_hash(token, kid, key) for kid, key in keyring.accepted("passeport-link").items()]


async def links(conn: Conn, profile: Profile) -> list[Link]:
    """Newest first, revoked and expired ones included (the référent sees what was given)."""
    return await links_repo.links(conn, profile.candidate_id)


async def create_link(
    conn: Conn, *, actor: Referent, profile: Profile, form: Mapping[str, str], ctx: Context
) -> tuple[Link, str]:
    """The link and its token: the token is returned once and only its keyed hash is kept."""
    now = ctx.clock()
    kind, label, expires_at = forms.link_expiry(form, now)
    token = secrets.token_urlsafe(32)
    link = Link(uuid.uuid4(), profile.candidate_id, kind, label, now, expires_at, None)
    kid, key = ctx.keyring.current("passeport-link")
    await links_repo.add_link(
        conn, link=link, token_hash=_hash(token, kid, key), created_by=actor.referent_id
    )
    who = "la personne" if kind == "personne" else f"l'employeur « {label} »"
    what = f"Lien créé pour {who}, valable jusqu'au {expires_at:%d/%m/%Y}"
    await record(conn, profile.candidate_id, "referent", str(actor.referent_id), None, what, ctx)
    return link, token


async def revoke_link(
    conn: Conn, *, actor: Referent, profile: Profile, link_id: UUID, ctx: Context
) -> bool:
    link = await links_repo.revoke_link(
        conn, candidate_id=profile.candidate_id, link_id=link_id, at=ctx.clock()
    )
    if link is None:
        return False
    who = "la personne" if link.kind == "personne" else f"l'employeur « {link.label} »"
    await record(
        conn,
        profile.candidate_id,
        "referent",
        str(actor.referent_id),
        None,
        f"Lien de {who} retiré",
        ctx,
    )
    return True


async def open_link(conn: Conn, token: str, ctx: Context) -> tuple[Link, Profile]:
    """The link and its profile, or LinkUnusable: 404 unknown, 410 revoked or expired."""
    link = await links_repo.link_by_token(conn, token_hashes(token, ctx.keyring)) if token else None
    if link is None:
        raise LinkUnusable(404)
    if not link.usable(ctx.clock()):
        raise LinkUnusable(410)
    profile = await profiles_repo.get(conn, link.candidate_id)
    if profile is None:  # erased meanwhile (the cascade removes the link in the same commit)
        raise LinkUnusable(404)
    return link, profile


async def review_section(
    conn: Conn, *, link: Link, section: str, form: Mapping[str, str], ctx: Context
) -> None:
    if link.kind != "personne" or section not in rules.SECTIONS:
        raise LinkUnusable(404)
    validated, comment = forms.review(form, section)
    await repo.set_review(
        conn,
        candidate_id=link.candidate_id,
        section=section,
        validated=validated,
        comment=comment,
        at=ctx.clock(),
    )
    what = ("Section validée" if validated else "Section non validée") + (
        f", commentaire : « {comment} »" if comment else ""
    )
    await record(conn, link.candidate_id, "personne", link.actor, section, what, ctx)


async def attest(conn: Conn, *, link: Link, form: Mapping[str, str], ctx: Context) -> None:
    if link.kind != "employeur":
        raise LinkUnusable(404)
    content = forms.attestation(form)
    await repo.add_attestation(
        conn,
        attestation_id=uuid.uuid4(),
        candidate_id=link.candidate_id,
        link_id=link.link_id,
        content=content,
        at=ctx.clock(),
    )
    what = f"Attestation de {content['employer_name']} ({content['observer']}) : " + ", ".join(
        content["skills"]
    )
    await record(conn, link.candidate_id, "employeur", link.actor, "attestations", what, ctx)
