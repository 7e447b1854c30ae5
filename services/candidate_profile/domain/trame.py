"""The trame of the diagnostic socio-professionnel: sections of questions, as the partners wrote it.

The trame is data (`services/candidate_profile/trame/trame-vN.json`), amended by the partners
and versioned; this module says what a valid one looks like, so that a broken file stops the
service at start with the file and the question named, rather than a page failing later.

A question with `publish_as` feeds one field of the matching profile (DOMAIN.md's minimum
contract); every other answer stays in the structure's diagnostic. Only the fields below may be
published, each from the kinds of question that can express it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.contracts.common import Schedule

Kind = Literal[
    "text",  # one line
    "textarea",  # free text
    "number",
    "date",
    "choice",  # one of the options (radio buttons)
    "multi-choice",  # some of the options (checkboxes)
    "yes-no",
    "level",  # aucun / léger / important, with a note
    "text-list",  # a few one-line entries (e.g. trades), optionally suggested from the ROME
    "checklist",  # options ticked, each with an optional note (the grille des potentialités)
    "commune",  # a commune of the referential, by name or INSEE code
]
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Label = Annotated[str, StringConstraints(min_length=1, max_length=300)]

# The level of a frein périphérique: the same three for every frein, on every version.
LEVELS: tuple[tuple[str, str], ...] = (
    ("aucun", "Aucun"),
    ("leger", "Léger"),
    ("important", "Important"),
)
# Which kinds may feed which field of the published profile.
PUBLISHABLE: dict[str, frozenset[str]] = {
    "desired_jobs": frozenset({"text-list", "text"}),
    "experience": frozenset({"text", "textarea"}),
    "skills": frozenset({"textarea", "checklist", "text-list"}),
    "commune_insee": frozenset({"commune"}),
    "mobility_km": frozenset({"number"}),
    "has_driving_licence": frozenset({"yes-no"}),
    "unavailable_schedules": frozenset({"multi-choice"}),
    "available_from": frozenset({"date"}),
}
# A profile cannot be saved without these: the trame must ask for them, as required questions.
REQUIRED_FIELDS = ("desired_jobs", "commune_insee", "mobility_km")
_WITH_OPTIONS = frozenset({"choice", "multi-choice", "checklist"})
_SINGLE_FIELDS = frozenset(PUBLISHABLE) - {"experience", "skills"}


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Ident
    label: Label
    # For a checklist that feeds `skills`: the skill phrase published when the option is ticked.
    skill: Annotated[str, StringConstraints(min_length=1, max_length=120)] | None = None

    @property
    def pair(self) -> tuple[str, str]:
        """(value, label), as the form macros take options."""
        return (self.value, self.label)


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Ident
    label: Label
    kind: Kind
    hint: str = ""
    required: bool = False
    options: tuple[Option, ...] = ()
    publish_as: str | None = None
    count: int = Field(default=3, ge=1, le=10, description="Entries of a text-list.")
    suggest: Literal["metiers"] | None = None
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        where = f"question {self.id!r}"
        if self.kind in _WITH_OPTIONS and not self.options:
            raise ValueError(f"{where}: a {self.kind!r} question needs options")
        if self.kind not in _WITH_OPTIONS and self.options:
            raise ValueError(f"{where}: a {self.kind!r} question takes no options")
        if len({o.value for o in self.options}) != len(self.options):
            raise ValueError(f"{where}: two options share a value")
        if self.publish_as is not None:
            self._check_publication(where)
        return self

    def _check_publication(self, where: str) -> None:
        kinds = PUBLISHABLE.get(self.publish_as or "")
        if kinds is None:
            allowed = ", ".join(PUBLISHABLE)
            raise ValueError(
                f"{where}: publish_as {self.publish_as!r} is not a field of the published"
                f" profile (allowed: {allowed})"
            )
        if self.kind not in kinds:
            raise ValueError(
                f"{where}: a {self.kind!r} question cannot feed {self.publish_as!r}"
                f" (use one of: {', '.join(sorted(kinds))})"
            )
        if self.publish_as == "unavailable_schedules":
            unknown = {o.value for o in self.options} - {s.value for s in Schedule}
            if unknown:
                raise ValueError(f"{where}: options {sorted(unknown)} are not schedules")
        if self.kind == "checklist" and any(o.skill is None for o in self.options):
            raise ValueError(f"{where}: each option of a published checklist needs a skill")


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Ident
    title: Label
    intro: str = ""
    questions: tuple[Question, ...] = Field(min_length=1)


class Trame(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    title: Label
    sections: tuple[Section, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _whole(self) -> Trame:
        ids = [q.id for q in self.questions]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"question ids used twice: {', '.join(twice)}")
        published = [q.publish_as for q in self.questions if q.publish_as]
        for name in _SINGLE_FIELDS:
            if published.count(name) > 1:
                raise ValueError(f"two questions publish {name!r}: only one may")
        for name in REQUIRED_FIELDS:
            if not any(q.publish_as == name and q.required for q in self.questions):
                raise ValueError(f"no required question publishes {name!r}: a profile needs it")
        return self

    @property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)

    def publishing(self, field: str) -> list[Question]:
        return [q for q in self.questions if q.publish_as == field]
