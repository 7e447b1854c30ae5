"""The passeport's use cases: the référent writes it; the person and an employer add to it
through a link of their own. Every change writes its line of history in the same transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from services.candidate_profile.adapters import passeport_repo as repo
from services.candidate_profile.adapters import profiles_repo
from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain import passeport as rules
from services.candidate_profile.domain.errors import ProfileNotFound
from services.candidate_profile.domain.hashing import KeyedHash
from services.candidate_profile.domain.model import Profile
from services.candidate_profile.domain.passeport import Link, LinkUnusable, Passeport
from services.candidate_profile.domain.referents import Referent
from services.candidate_profile.handlers.context import Context
from shared.keys import Keyring


async def own_profile(conn: Conn, actor: Referent, candidate_id: UUID) -> Profile:
    """The profile if the référent's structure keeps it; any other looks like no profile."""
    profile = await profiles_repo.get(conn, candidate_id)
    if profile is None or profile.structure != actor.structure:
        raise ProfileNotFound(str(candidate_id))
    return profile


async def load(conn: Conn, profile: Profile) -> Passeport:
    cid = profile.candidate_id
    return Passeport(
        candidate_id=cid,
        first_name=profile.first_name,
        items=await repo.items(conn, cid),
        reviews=await repo.reviews(conn, cid),
        attestations=await repo.attestations(conn, cid),
    )


def _content(section: str, form: Mapping[str, str], ctx: Context) -> dict[str, Any]:
    if section == "competences":
        return rules.competence(form)
    if section == "actions":
        return rules.action(form)
    label = (form.get("metier") or "").strip()
    if rules.is_rome_code(label) and ctx.referential.fiche(label.upper()) is not None:
        code: str | None = label.upper()
    else:  # a ROME appellation keeps its code; free text is kept as typed
        found = ctx.referential.appellations_named(label) if label else ()
        code = found[0].code_rome if found else None
    return rules.metier(form, code)


def _title(section: str, content: Mapping[str, Any]) -> str:
    key = {"competences": "skill", "metiers": "label", "actions": "title"}[section]
    return str(content[key])


async def _record(
    conn: Conn, cid: UUID, actor_kind: str, actor: str, section: str | None, what: str, ctx: Context
) -> None:
    await repo.record(
        conn,
        candidate_id=cid,
        actor_kind=actor_kind,
        actor=actor,
        section=section,
        what=what,
        at=ctx.clock(),
    )


async def add_item(
    conn: Conn,
    *,
    actor: Referent,
    profile: Profile,
    section: str,
    form: Mapping[str, str],
    ctx: Context,
) -> UUID:
    content = _content(section, form, ctx)
    item_id, by = uuid.uuid4(), str(actor.referent_id)
    await repo.add_item(
        conn,
        item_id=item_id,
        candidate_id=profile.candidate_id,
        section=section,
        content=content,
        by=by,
        at=ctx.clock(),
    )
    what = f"Ajout : « {_title(section, content)} »"
    await _record(conn, profile.candidate_id, "referent", by, section, what, ctx)
    return item_id


async def edit_item(
    conn: Conn,
    *,
    actor: Referent,
    profile: Profile,
    item: rules.Item,
    form: Mapping[str, str],
    ctx: Context,
) -> None:
    content = _content(item.section, form, ctx)
    by = str(actor.referent_id)
    await repo.update_item(
        conn,
        candidate_id=profile.candidate_id,
        item_id=item.item_id,
        content=content,
        by=by,
        at=ctx.clock(),
    )
    what = f"Modification : « {_title(item.section, content)} »"
    await _record(conn, profile.candidate_id, "referent", by, item.section, what, ctx)


async def remove_item(
    conn: Conn, *, actor: Referent, profile: Profile, item: rules.Item, ctx: Context
) -> None:
    await repo.delete_item(conn, candidate_id=profile.candidate_id, item_id=item.item_id)
    what = f"Retrait : « {_title(item.section, item.content)} »"
    await _record(
        conn, profile.candidate_id, "referent", str(actor.referent_id), item.section, what, ctx
    )


def _hash(token: str, kid: str, key: bytes) -> KeyedHash:
    return KeyedHash(kid, hmac.new(key, f"passeport:{token}".encode(), hashlib.sha256).hexdigest())


def token_hashes(token: str, keyring: Keyring) -> list[KeyedHash]:
    """The token's hash under each key still accepted: a retired generation's links fail."""
    return [_hash(token, kid, key) for kid, key in keyring.accepted("passeport-link").items()]


async def create_link(
    conn: Conn, *, actor: Referent, profile: Profile, form: Mapping[str, str], ctx: Context
) -> tuple[Link, str]:
    """The link and its token: the token is returned once and only its keyed hash is kept."""
    now = ctx.clock()
    kind, label, expires_at = rules.link_expiry(form, now)
    token = secrets.token_urlsafe(32)
    link = Link(uuid.uuid4(), profile.candidate_id, kind, label, now, expires_at, None)
    kid, key = ctx.keyring.current("passeport-link")
    await repo.add_link(
        conn, link=link, token_hash=_hash(token, kid, key), created_by=actor.referent_id
    )
    who = "la personne" if kind == "personne" else f"l'employeur « {label} »"
    what = f"Lien créé pour {who}, valable jusqu'au {expires_at:%d/%m/%Y}"
    await _record(conn, profile.candidate_id, "referent", str(actor.referent_id), None, what, ctx)
    return link, token


async def revoke_link(
    conn: Conn, *, actor: Referent, profile: Profile, link_id: UUID, ctx: Context
) -> bool:
    link = await repo.revoke_link(
        conn, candidate_id=profile.candidate_id, link_id=link_id, at=ctx.clock()
    )
    if link is None:
        return False
    who = "la personne" if link.kind == "personne" else f"l'employeur « {link.label} »"
    await _record(
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
    link = await repo.link_by_token(conn, token_hashes(token, ctx.keyring)) if token else None
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
    validated, comment = rules.review(form, section)
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
    await _record(conn, link.candidate_id, "personne", link.actor, section, what, ctx)


async def attest(conn: Conn, *, link: Link, form: Mapping[str, str], ctx: Context) -> None:
    if link.kind != "employeur":
        raise LinkUnusable(404)
    content = rules.attestation(form)
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
    await _record(conn, link.candidate_id, "employeur", link.actor, "attestations", what, ctx)
