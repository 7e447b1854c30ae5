"""Plain rows of the referential, shared by the parsers, the importer and the in-memory lookup."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

SkillKind = Literal["savoir_faire", "savoir_etre", "savoir"]
# progress(step, done, total): how long imports report where they are.
Progress = Callable[[str, int, int], None]


def quiet(step: str, done: int, total: int) -> None:
    """The default progress: library calls print nothing; the CLI hands in a progress bar."""


@dataclass(frozen=True, slots=True)
class Fiche:
    code_rome: str
    code_ogr: str
    libelle: str
    formes: tuple[str, ...]
    code_grand_domaine: str | None = None
    libelle_grand_domaine: str | None = None
    code_domaine: str | None = None
    libelle_domaine: str | None = None


@dataclass(frozen=True, slots=True)
class Appellation:
    code_ogr: str
    code_rome: str
    libelle: str
    libelle_court: str
    formes: tuple[str, ...]
    principale: bool = False


@dataclass(frozen=True, slots=True)
class Skill:
    """An item of the skills or knowledge referential (savoir-faire, savoir-être, savoir)."""

    code_ogr: str
    libelle: str
    categorie: str


@dataclass(frozen=True, slots=True)
class FicheSkill:
    code_rome: str
    code_ogr: str
    kind: SkillKind


@dataclass(frozen=True, slots=True)
class Mobility:
    code_rome: str
    code_rome_cible: str
    rang: int


@dataclass(frozen=True, slots=True)
class Commune:
    code_insee: str
    nom: str
    codes_postaux: tuple[str, ...]
    population: int | None
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class RomeData:
    version: str
    label: str
    fiches: tuple[Fiche, ...]
    appellations: tuple[Appellation, ...]
    skills: tuple[Skill, ...]
    fiche_skills: tuple[FicheSkill, ...]
    mobilities: tuple[Mobility, ...]

    def counts(self) -> dict[str, int]:
        return {
            "fiches": len(self.fiches),
            "appellations": len(self.appellations),
            "skills": len(self.skills),
            "fiche_skills": len(self.fiche_skills),
            "mobilities": len(self.mobilities),
        }
