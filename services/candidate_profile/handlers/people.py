"""The référents' workspace: the people a référent may see, page by page or by first name, and
what a person's page shows besides the profile (who changed the consent)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from services.candidate_profile.adapters import people_repo, referents_repo
from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain import consent as consent_rules
from services.candidate_profile.domain.model import Profile
from services.candidate_profile.domain.people import fold
from services.candidate_profile.domain.referents import Referent
from services.candidate_profile.handlers import consent
from services.candidate_profile.handlers.context import Context
from services.candidate_profile.handlers.profiles import owned
from shared.contracts.profiles import Purpose

MAX_IDS = 200


async def page(
    conn: Conn, *, actor: Referent, name: str, number: int, size: int
) -> tuple[list[Profile], bool]:
    """Page `number` (from 1) of the people the actor may see, by first name; and whether a
    next page exists."""
    found = await people_repo.page_visible(
        conn, structure=actor.structure, folded_name=fold(name.strip()),
        limit=size + 1, offset=(number - 1) * size,
    )  # fmt: skip
    return found[:size], len(found) > size


async def first_names(conn: Conn, *, actor: Referent, ids: Sequence[UUID]) -> dict[UUID, str]:
    assert len(ids) <= MAX_IDS
    return await people_repo.first_names(conn, structure=actor.structure, ids=ids)


async def history(
    conn: Conn, *, actor: Referent, candidate_id: UUID, ctx: Context
) -> list[dict[str, Any]]:
    """The consent ledger of a visible profile, each entry with its référent's name (None: the
    service itself, or a référent no longer known)."""
    entries = await consent.history(conn, actor=actor, candidate_id=candidate_id, ctx=ctx)
    names: dict[UUID, str | None] = {}
    for entry in entries:
        referent_id = entry["actor_referent_id"]
        if referent_id is not None and referent_id not in names:
            names[referent_id] = await referent_name(conn, referent_id)
    return [{**e, "actor_name": names.get(e["actor_referent_id"])} for e in entries]


async def withdrawal_erases(
    conn: Conn, *, actor: Referent, candidate_id: UUID, purposes: list[Purpose] | None
) -> tuple[Profile, bool]:
    """The profile, and whether withdrawing `purposes` (all when None) would erase it: said to
    the référent before they confirm. Raises as the withdrawal itself would."""
    profile = await owned(conn, actor=actor, candidate_id=candidate_id)
    return profile, consent_rules.withdraw(profile.consent, purposes) is None


async def referent_name(conn: Conn, referent_id: UUID) -> str | None:
    referent = await referents_repo.get(conn, referent_id)
    return referent.name if referent else None
