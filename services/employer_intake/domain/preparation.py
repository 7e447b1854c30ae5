"""Turns what a federation wrote into what the service stores: checked, coded, flagged.

Pure and CPU-bound (the ROME scorer): callers run it in a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.contracts import ComplianceFlag
from shared.referential.snapshot import Snapshot

from .compliance import compliance_flags
from .errors import InvalidFields
from .model import NeedFields, RomeAlternative, RomeSource
from .rome_coding import RomeSuggester
from .validation import referential_errors


@dataclass(frozen=True)
class Coding:
    rome_code: str | None
    rome_label: str | None
    rome_confidence: float | None
    rome_source: RomeSource
    alternatives: tuple[RomeAlternative, ...]


@dataclass(frozen=True)
class Prepared:
    fields: NeedFields
    coding: Coding
    flags: tuple[ComplianceFlag, ...]

    def payload_fields(self) -> dict[str, Any]:
        """The NeedPayload fields this preparation decides (not ids, versions, links)."""
        return {
            **self.fields.model_dump(include=set(NeedFields.model_fields)),
            "rome_code": self.coding.rome_code,
            "rome_label": self.coding.rome_label,
            "rome_confidence": self.coding.rome_confidence,
            "compliance_flags": list(self.flags),
        }


def code_rome(fields: NeedFields, *, snapshot: Snapshot, suggester: RomeSuggester) -> Coding:
    if fields.rome_code is not None:
        fiche = snapshot.fiche(fields.rome_code)
        label = fiche.libelle if fiche else None
        return Coding(fields.rome_code, label, None, "given", ())
    alternatives = tuple(suggester.suggest(fields.title, fields.description))
    if not alternatives:
        return Coding(None, None, None, "none", ())
    best = alternatives[0]
    return Coding(best.rome_code, best.rome_label, best.confidence, "suggested", alternatives)


def prepare(
    fields: NeedFields,
    *,
    snapshot: Snapshot,
    suggester: RomeSuggester,
    keep: Coding | None = None,
) -> Prepared:
    """Raise InvalidFields, or return the need coded (or with `keep`'s coding) and flagged."""
    errors = referential_errors(fields, snapshot)
    if errors:
        raise InvalidFields(errors)
    coding = keep or code_rome(fields, snapshot=snapshot, suggester=suggester)
    flags = compliance_flags(fields.title, fields.description, ". ".join(fields.skills))
    return Prepared(fields, coding, tuple(flags))
