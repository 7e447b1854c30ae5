"""Create, read, change, list and share profiles, within the référent's structure."""

from __future__ import annotations

import uuid
from uuid import UUID

from services.candidate_profile.adapters import ledger_repo, outbox, profiles_repo, referents_repo
from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain import consent as consent_rules
from services.candidate_profile.domain.errors import (
    ConsentConflict,
    InvalidField,
    ProfileNotFound,
    ReadOnlyAccess,
)
from services.candidate_profile.domain.events import profile_upserted
from services.candidate_profile.domain.hashing import subject_hash
from services.candidate_profile.domain.jobs import rome_codes
from services.candidate_profile.domain.model import Profile, ProfileCreate, ProfileFields
from services.candidate_profile.domain.referents import Referent
from services.candidate_profile.domain.screening import screened
from services.candidate_profile.handlers.context import Context
from shared.screening import Finding

NO_SHARING_CONSENT = (
    "la personne n'a pas consenti au partage de son profil avec d'autres structures"
    " (finalité sharing_with_partners) : recueillez ce consentement avant de partager"
)


def _checked(fields: ProfileFields, ctx: Context) -> tuple[dict[str, object], list[Finding]]:
    """The fields once checked against the referential and screened (what is removed from the
    published text, returned beside them), with the ROME codes of the jobs."""
    if not ctx.referential.has_commune(fields.commune_insee):
        raise InvalidField(("body", "commune_insee"), "unknown commune", "unknown_commune")
    for i, code in enumerate(fields.desired_rome_codes):
        if ctx.referential.fiche(code) is None:
            raise InvalidField(
                ("body", "desired_rome_codes", i), "unknown ROME code", "unknown_rome"
            )
    data = fields.model_dump(include=set(ProfileFields.model_fields))
    texts, findings = screened(
        experience=fields.experience, skills=fields.skills, desired_jobs=fields.desired_jobs
    )
    data.update(texts._asdict())
    data["desired_rome_codes"] = rome_codes(
        texts.desired_jobs, fields.desired_rome_codes, ctx.referential
    )
    return data, findings


async def save_and_publish(conn: Conn, profile: Profile, ctx: Context) -> None:
    """Store this version; publish it only while consent for matching holds."""
    await profiles_repo.save(conn, profile)
    event = profile_upserted(profile, now=ctx.clock())
    if event is not None:
        await outbox.publish(conn, event)


async def create(
    conn: Conn, *, actor: Referent, data: ProfileCreate, ctx: Context
) -> tuple[Profile, list[Finding]]:
    """The profile stored, and the sentences screened out of its published text."""
    now = ctx.clock()
    fields, findings = _checked(data, ctx)
    consent = None
    if data.consent is not None:
        consent = consent_rules.grant(
            data.consent.purposes, data.consent.expires_at, now, ("body", "consent", "expires_at")
        )
    profile = Profile.model_validate(
        {
            **fields,
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
    return profile, findings


async def visible(conn: Conn, *, actor: Referent, candidate_id: UUID, ctx: Context) -> Profile:
    """The profile if the actor's structure owns it, or it is shared with it and the person
    consents to that; else not found."""
    profile = await profiles_repo.get(conn, candidate_id)
    if profile is None or not (
        profile.structure == actor.structure
        or (actor.structure in profile.shared_with and profile.shareable(ctx.clock()))
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
) -> tuple[Profile, list[Finding]]:
    current = await owned(conn, actor=actor, candidate_id=candidate_id)
    fields, findings = _checked(data, ctx)
    profile = Profile.model_validate(
        {**current.model_dump(), **fields, "version": current.version + 1,
         "updated_at": ctx.clock()}
    )  # fmt: skip
    await save_and_publish(conn, profile, ctx)
    return profile, findings


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
    if not current.shareable(ctx.clock()):
        raise ConsentConflict(NO_SHARING_CONSENT)
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


async def unshare_all(conn: Conn, profile: Profile) -> Profile:
    """The profile shared with no one: the person no longer consents to sharing it."""
    for structure in profile.shared_with:
        await profiles_repo.remove_share(
            conn, candidate_id=profile.candidate_id, structure=structure
        )
    return profile.model_copy(update={"shared_with": ()})
