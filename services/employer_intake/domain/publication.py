"""The need as it is published for matching: its federation's text minus what must not match.

The federation keeps its need as written (its responses show every flag with its sentence);
the events carry the title, description and skills without the sentences flagged under
L1132-1 / L1142-1 and without those holding health, disability, pregnancy or family data
(`shared.screening`), and the flags with their ground and article only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts import NeedPayload
from shared.screening import Category, sensitive_category, without_sentences

from .compliance import compliance_flags

UNTITLED = "Offre d'emploi"
Reason = Category | Literal["flagged"]


class ScreenedSentence(BaseModel):
    """A sentence of the need kept out of the published text, so not used for matching."""

    model_config = ConfigDict(frozen=True)

    field: str = Field(examples=["description"])
    sentence: str = Field(examples=["Poste adapté RQTH."])
    reason: Reason | None = Field(
        description="health, disability, pregnancy, family_situation, or 'flagged' (L1132-1).",
        examples=["disability"],
    )


def _reason(sentence: str) -> Reason | None:
    """Why a sentence stays out of the published need: 'flagged', a screened category, or None."""
    if compliance_flags(sentence):
        return "flagged"
    return sensitive_category(sentence)


def _kept_out_of(text: str) -> bool:
    return _reason(text) is not None


def kept_out(payload: NeedPayload) -> list[ScreenedSentence]:
    """Every sentence of the need that the published need leaves out, and why."""
    found: list[ScreenedSentence] = []
    for field, text in (("title", payload.title), ("description", payload.description)):
        for sentence in without_sentences(text, _kept_out_of)[1]:
            found.append(ScreenedSentence(field=field, sentence=sentence, reason=_reason(sentence)))
    for i, skill in enumerate(payload.skills):
        if _kept_out_of(skill):
            found.append(
                ScreenedSentence(field=f"skills.{i}", sentence=skill, reason=_reason(skill))
            )
    return found


def published(payload: NeedPayload) -> NeedPayload:
    """The payload of NeedPosted / NeedUpdated for this need. A title that is nothing but kept-out
    sentences is replaced by the ROME label (or a neutral "Offre d'emploi")."""
    title = without_sentences(payload.title, _kept_out_of)[0]
    return payload.model_copy(
        update={
            "title": title or payload.rome_label or UNTITLED,
            "description": without_sentences(payload.description, _kept_out_of)[0],
            "skills": [s for s in payload.skills if not _kept_out_of(s)],
            "compliance_flags": [
                f.model_copy(update={"sentence": None}) for f in payload.compliance_flags
            ],
        }
    )
