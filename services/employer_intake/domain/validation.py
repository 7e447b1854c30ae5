"""Checks against the referential in force that pydantic alone cannot make."""

from __future__ import annotations

from pydantic import ValidationError

from shared.referential.snapshot import Snapshot

from .errors import FieldError
from .model import NeedFields


def referential_errors(need: NeedFields, snapshot: Snapshot) -> list[FieldError]:
    errors: list[FieldError] = []
    if not snapshot.has_commune(need.commune_insee):
        errors.append(FieldError("commune_insee", f"unknown INSEE code {need.commune_insee!r}"))
    if need.rome_code is not None and snapshot.fiche(need.rome_code) is None:
        errors.append(FieldError("rome_code", f"unknown ROME 4.0 code {need.rome_code!r}"))
    return errors


def pydantic_errors(exc: ValidationError) -> list[FieldError]:
    """One FieldError per problem, the field named by its path ("skills.2")."""
    return [
        FieldError(".".join(str(p) for p in err["loc"]) or "(line)", err["msg"])
        for err in exc.errors(include_url=False)
    ]
