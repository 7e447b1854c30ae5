"""Create, read, change, list and share profiles, within the référent's structure."""

from __future__ import annotations

import uuid
from uuid import UUID

from services.candidate_profile.adapters import ledger_repo, outbox, profiles_repo, referents_repo
from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain import consent as consent_rules
from services.candidate_profile.domain.errors import InvalidField, ProfileNotFound, ReadOnlyAccess
from services.candidate_profile.domain.events import profile_upserted
from services.candidate_profile.domain.hashing import subject_hash
from services.candidate_profile.domain.jobs import rome_codes
from services.candidate_profile.domain.model import Profile, ProfileCreate, ProfileFields
from services.candidate_profile.domain.referents import Referent
from services.candidate_profile.handlers.context import Context


def _checked(fields: ProfileFields, ctx: Context) -> dict[str, object]:
    """The fields once checked against the referential, with the ROME codes of the jobs."""
    if not ctx.referential.has_commune(fields.commune_insee):
        raise InvalidField(("body", "commune_insee"), "unknown commune", "unknown_commune")
    for i, code in enumerate(fields.desired_rome_codes):
        if ctx.referential.fiche(code) is None:
            raise InvalidField(
                ("body", "desired_rome_codes", i), "unknown ROME code", "unknown_rome"
            )
    data = fields.model_dump(include=set(ProfileFields.model_fields))
    data["desired_rome_codes"] = rome_codes(
        fields.desired_jobs, fields.desired_rome_codes, ctx.referential
    )
    return data


async def save_and_publish(conn: Conn, profile: Profile, ctx: Context) -> None:
    """Store this version; publish it only while consent for matching holds."""
    await profiles_repo.save(conn, profile)
    event = profile_upserted(profile, now=ctx.clock())
    if event is not None:
        await outbox.publish(conn, event)


async def create(conn: Conn, *, actor: Referent, data: ProfileCreate, ctx: Context) -> Profile:
    now = ctx.clock()
    consent = None
    if data.consent is not None:
        consent = consent_rules.grant(
            data.consent.purposes, data.consent.expires_at, now, ("body", "consent", "expires_at")
        )
    profile = Profile.model_validate(
        {
            **_checked(data, ctx),
            "candidate_id": uuid.uuid4(),
            "referent_id": actor.referent_id,
            "structure": actor.structure,
            "version": 1,
            "consent": consent,
            "created_at": now,
            "updated_at": now,
        }
    )
    if consent is not None:
        await ledger_repo.append(
            conn,
            subject_hash=subject_hash(profile.candidate_id, ctx.keyring),
            action="granted",
            purposes=consent.purposes,
            expires_at=consent.expires_at,
            actor=actor.referent_id,
            at=now,
        )
    await save_and_publish(conn, profile, ctx)
    return profile


async def visible(conn: Conn, *, actor: Referent, candidate_id: UUID) -> Profile:
    """The profile if the actor's structure owns it or it is shared with it; else not found."""
    profile = await profiles_repo.get(conn, candidate_id)
    if profile is None or not (
        profile.structure == actor.structure or actor.structure in profile.shared_with
    ):
        raise ProfileNotFound(str(candidate_id))
    return profile


async def owned(conn: Conn, *, actor: Referent, candidate_id: UUID) -> Profile:
    """The profile, locked for a change by its own structure; shared readers may not change it."""
    profile = await profiles_repo.get(conn, candidate_id, lock=True)
    if profile is None or profile.structure != actor.structure:
        if profile is not None and actor.structure in profile.shared_with:
            raise ReadOnlyAccess(str(candidate_id))
        raise ProfileNotFound(str(candidate_id))
    return profile


def next_version(profile: Profile, ctx: Context, **changes: object) -> Profile:
    return profile.model_copy(
        update={**changes, "version": profile.version + 1, "updated_at": ctx.clock()}
    )


async def update(
    conn: Conn,
    *,
    actor: Referent,
    candidate_id: UUID,
    data: ProfileFields,
    ctx: Context,
) -> Profile:
    current = await owned(conn, actor=actor, candidate_id=candidate_id)
    profile = Profile.model_validate(
        {**current.model_dump(), **_checked(data, ctx), "version": current.version + 1,
         "updated_at": ctx.clock()}
    )  # fmt: skip
    await save_and_publish(conn, profile, ctx)
    return profile


async def list_visible(
    conn: Conn, *, actor: Referent, limit: int, after: UUID | None
) -> list[Profile]:
    return await profiles_repo.list_visible(
        conn, structure=actor.structure, limit=limit, after=after
    )


async def share(
    conn: Conn, *, actor: Referent, candidate_id: UUID, structure: str, ctx: Context
) -> Profile:
    current = await owned(conn, actor=actor, candidate_id=candidate_id)
    if structure == current.structure or not await referents_repo.structure_exists(conn, structure):
        raise InvalidField(("body", "structure"), "unknown or own structure", "bad_structure")
    if structure in current.shared_with:
        return current
    await profiles_repo.add_share(
        conn, candidate_id=candidate_id, structure=structure, by=actor.referent_id
    )
    shared = tuple(sorted({*current.shared_with, structure}))
    profile = next_version(current, ctx, shared_with=shared)
    await save_and_publish(conn, profile, ctx)
    return profile


async def unshare(
    conn: Conn, *, actor: Referent, candidate_id: UUID, structure: str, ctx: Context
) -> Profile:
    current = await owned(conn, actor=actor, candidate_id=candidate_id)
    if not await profiles_repo.remove_share(conn, candidate_id=candidate_id, structure=structure):
        raise ProfileNotFound(f"{candidate_id} is not shared with {structure}")
    shared = tuple(s for s in current.shared_with if s != structure)
    profile = next_version(current, ctx, shared_with=shared)
    await save_and_publish(conn, profile, ctx)
    return profile
