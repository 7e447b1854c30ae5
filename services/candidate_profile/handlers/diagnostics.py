"""Diagnostics: a new person with their first diagnostic, a new diagnostic, reading one.

Each save is one transaction the caller opens: the diagnostic row and a new version of the
profile, through `handlers.profiles` (its checks, its screening, its event), so a diagnostic
never exists without the profile version it produced, nor the other way round.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ValidationError

from services.candidate_profile.adapters import diagnostics_repo, referents_repo
from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain.answers import Answers, field_name
from services.candidate_profile.domain.diagnostic import Diagnostic
from services.candidate_profile.domain.errors import DomainError, InvalidField
from services.candidate_profile.domain.model import Profile, ProfileCreate, ProfileFields
from services.candidate_profile.domain.publication import published_fields
from services.candidate_profile.domain.referents import Referent
from services.candidate_profile.domain.trame import Trame
from services.candidate_profile.handlers import profiles
from services.candidate_profile.handlers.context import Context
from shared.screening import Finding

# The person's identity on the new-person form: profile field -> form field, and what to do.
IDENTITY = {
    "first_name": ("prenom", "Indiquez le prénom de la personne (100 caractères au plus)."),
    "contact_email": ("courriel", "Adresse e-mail à vérifier, par exemple prenom@exemple.fr."),
    "contact_phone": ("telephone", "Numéro à vérifier : des chiffres, par exemple 06 12 34 56 78."),
}
M = TypeVar("M", bound=BaseModel)


class DiagnosticInvalid(DomainError):
    """Answers the profile cannot take; `errors` maps each form field to what to do."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


async def create_person(
    conn: Conn, *, actor: Referent, identity: dict[str, Any], trame: Trame, answers: Answers,
    ctx: Context,
) -> tuple[Profile, Diagnostic, list[Finding]]:  # fmt: skip
    """A new profile (version 1, no consent yet: it is recorded on its own page) and its
    first diagnostic."""
    data = _profile_data(ProfileCreate, identity, trame, answers)
    with _named_on_form(trame):
        profile, findings = await profiles.create(conn, actor=actor, data=data, ctx=ctx)
    diagnostic = await _append(conn, profile, actor, trame, answers, ctx)
    return profile, diagnostic, findings


async def record(
    conn: Conn, *, actor: Referent, candidate_id: UUID, trame: Trame, answers: Answers,
    ctx: Context,
) -> tuple[Profile, Diagnostic, list[Finding]]:  # fmt: skip
    """A new diagnostic of a person of the actor's structure, and the profile's next version."""
    current = await profiles.owned(conn, actor=actor, candidate_id=candidate_id)
    identity = current.model_dump(include={"first_name", "contact_email", "contact_phone", "notes"})
    data = _profile_data(ProfileFields, identity, trame, answers)
    with _named_on_form(trame):
        profile, findings = await profiles.update(
            conn, actor=actor, candidate_id=candidate_id, data=data, ctx=ctx
        )
    diagnostic = await _append(conn, profile, actor, trame, answers, ctx)
    return profile, diagnostic, findings


@dataclass(frozen=True)
class Reading:
    profile: Profile
    diagnostic: Diagnostic | None  # the one asked for (the latest by default), if any
    author: str | None  # the name of the référent who wrote it
    history: list[Diagnostic]  # every diagnostic of the person, latest first


async def readable(
    conn: Conn, *, actor: Referent, candidate_id: UUID, seq: int | None, ctx: Context
) -> Reading:
    """A person's diagnostic for their own structure, or one the profile is shared with while
    the person consents to sharing; else ProfileNotFound (as for the profile itself)."""
    profile = await profiles.visible(conn, actor=actor, candidate_id=candidate_id, ctx=ctx)
    diagnostic = await diagnostics_repo.get(conn, candidate_id, seq)
    author = None
    if diagnostic is not None:
        referent = await referents_repo.get(conn, diagnostic.author_referent_id)
        author = referent.name if referent else None
    history = await diagnostics_repo.list_of(conn, candidate_id)
    return Reading(profile, diagnostic, author, history)


async def _append(
    conn: Conn, profile: Profile, actor: Referent, trame: Trame, answers: Answers, ctx: Context
) -> Diagnostic:
    return await diagnostics_repo.append(
        conn, candidate_id=profile.candidate_id, trame_version=trame.version, answers=answers,
        author=actor.referent_id, at=ctx.clock(),
    )  # fmt: skip


def _profile_data(model: type[M], identity: dict[str, Any], trame: Trame, answers: Answers) -> M:
    try:
        return model.model_validate({**identity, **published_fields(trame, answers)})
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for e in exc.errors():
            name, message = _where(trame, str(e["loc"][0]), e["msg"])
            errors.setdefault(name, message)
        raise DiagnosticInvalid(errors) from None


@contextmanager
def _named_on_form(trame: Trame) -> Iterator[None]:
    """A profile handler's referential errors, named on the diagnostic's form."""
    try:
        yield
    except InvalidField as exc:
        name, _ = _where(trame, str(exc.field[1]), exc.message)
        raise DiagnosticInvalid({name: exc.message}) from None


def _where(trame: Trame, field: str, detail: str) -> tuple[str, str]:
    """The form field behind a profile field, and a message for it."""
    if field in IDENTITY:
        return IDENTITY[field]
    questions = trame.publishing(field)
    if not questions:  # a field no question feeds: the trame's first one is as good a place
        questions = trame.questions[:1]
    q = questions[0]
    return field_name(q), f"« {q.label} » : réponse à revoir ({detail})."
