"""The passeport's use cases on the référent's side: its items, added, changed, removed, each
change with its line of history in the same transaction. What is done through a link is in
passeport_links.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from services.candidate_profile.adapters import passeport_repo as repo
from services.candidate_profile.adapters import profiles_repo, registrations_repo
from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain import passeport as rules
from services.candidate_profile.domain import passeport_forms as forms
from services.candidate_profile.domain.errors import ProfileNotFound
from services.candidate_profile.domain.model import Profile
from services.candidate_profile.domain.passeport import Passeport
from services.candidate_profile.domain.referents import Referent
from services.candidate_profile.handlers.context import Context


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
        attended=await registrations_repo.attended(conn, cid),
    )


async def history(conn: Conn, profile: Profile) -> list[rules.Change]:
    return await repo.history(conn, profile.candidate_id)


async def item(conn: Conn, profile: Profile, item_id: UUID) -> rules.Item | None:
    return await repo.item(conn, profile.candidate_id, item_id)


def _content(section: str, form: Mapping[str, str], ctx: Context) -> dict[str, Any]:
    if section == "competences":
        return forms.competence(form)
    if section == "actions":
        return forms.action(form)
    label = (form.get("metier") or "").strip()
    if forms.is_rome_code(label) and ctx.referential.fiche(label.upper()) is not None:
        code: str | None = label.upper()
    else:  # a ROME appellation keeps its code; free text is kept as typed
        found = ctx.referential.appellations_named(label) if label else ()
        code = found[0].code_rome if found else None
    return forms.metier(form, code)


def _title(section: str, content: Mapping[str, Any]) -> str:
    key = {"competences": "skill", "metiers": "label", "actions": "title"}[section]
    return str(content[key])


async def record(
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


async def _referent_changed(
    conn: Conn, actor: Referent, profile: Profile, section: str, what: str, ctx: Context
) -> None:
    """History, and the person's validation of the section lapses: it was of another text."""
    by = str(actor.referent_id)
    await record(conn, profile.candidate_id, "referent", by, section, what, ctx)
    if await repo.unvalidate(conn, candidate_id=profile.candidate_id, section=section):
        again = f"Validation de {profile.first_name} à renouveler : la partie a changé"
        await record(conn, profile.candidate_id, "referent", by, section, again, ctx)


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
    await _referent_changed(conn, actor, profile, section, what, ctx)
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
    await _referent_changed(conn, actor, profile, item.section, what, ctx)


async def remove_item(
    conn: Conn, *, actor: Referent, profile: Profile, item: rules.Item, ctx: Context
) -> None:
    await repo.delete_item(conn, candidate_id=profile.candidate_id, item_id=item.item_id)
    what = f"Retrait : « {_title(item.section, item.content)} »"
    await _referent_changed(conn, actor, profile, item.section, what, ctx)
