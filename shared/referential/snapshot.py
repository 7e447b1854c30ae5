"""An immutable, in-memory snapshot of the referential, built from plain rows.

Build it once per process and share it: every lookup is a dictionary access, no I/O. The
services load it with `shared.referential.lookup.load_snapshot`; tests and the demo build one
from rows or from the fixture files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from shared.referential.errors import UnknownCommune
from shared.referential.geo import haversine_km
from shared.referential.model import (
    Appellation,
    Commune,
    Fiche,
    FicheSkill,
    Mobility,
    Skill,
    SkillKind,
)
from shared.referential.text import normalise


@dataclass(frozen=True, slots=True)
class SkillOfFiche:
    code_ogr: str
    libelle: str
    kind: SkillKind


@dataclass(frozen=True, slots=True, eq=False)
class Snapshot:
    fiches: Mapping[str, Fiche]
    appellations: Mapping[str, Appellation]
    communes: Mapping[str, Commune]
    versions: Mapping[str, str]
    _by_rome: Mapping[str, tuple[Appellation, ...]]
    _by_name: Mapping[str, tuple[Appellation, ...]]
    _skills: Mapping[str, tuple[SkillOfFiche, ...]]
    _mobilities: Mapping[str, tuple[str, ...]]

    @classmethod
    def build(
        cls,
        *,
        fiches: Iterable[Fiche] = (),
        appellations: Iterable[Appellation] = (),
        skills: Iterable[Skill] = (),
        fiche_skills: Iterable[FicheSkill] = (),
        mobilities: Iterable[Mobility] = (),
        communes: Iterable[Commune] = (),
        versions: Mapping[str, str] | None = None,
    ) -> Snapshot:
        apps = {a.code_ogr: a for a in appellations}
        return cls(
            fiches=_frozen({f.code_rome: f for f in fiches}),
            appellations=_frozen(apps),
            communes=_frozen({c.code_insee: c for c in communes}),
            versions=_frozen(dict(versions or {})),
            _by_rome=_grouped((a.code_rome, a) for a in apps.values()),
            _by_name=_grouped(
                (key, a) for a in apps.values() for key in _names(a.libelle, a.formes)
            ),
            _skills=_skills_by_fiche(skills, fiche_skills),
            _mobilities=_grouped(
                (m.code_rome, m.code_rome_cible) for m in sorted(mobilities, key=lambda m: m.rang)
            ),
        )

    def commune(self, code_insee: str) -> Commune | None:
        return self.communes.get(code_insee)

    def has_commune(self, code_insee: str) -> bool:
        return code_insee in self.communes

    def distance_km(self, insee_a: str, insee_b: str) -> float:
        """Distance between the two communes' centroids; UnknownCommune for a code not loaded."""
        a, b = self._known(insee_a), self._known(insee_b)
        return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)

    def fiche(self, code_rome: str) -> Fiche | None:
        return self.fiches.get(code_rome)

    def appellation(self, code_ogr: str) -> Appellation | None:
        return self.appellations.get(code_ogr)

    def appellations_of(self, code_rome: str) -> tuple[Appellation, ...]:
        return self._by_rome.get(code_rome, ())

    def appellations_named(self, text: str) -> tuple[Appellation, ...]:
        """Appellations whose label or one of its forms equals `text` once normalised."""
        return self._by_name.get(normalise(text), ())

    def mobilities(self, code_rome: str) -> tuple[str, ...]:
        """Target ROME codes, in France Travail's order."""
        return self._mobilities.get(code_rome, ())

    def skills(self, code_rome: str, kind: SkillKind | None = None) -> tuple[SkillOfFiche, ...]:
        found = self._skills.get(code_rome, ())
        return found if kind is None else tuple(s for s in found if s.kind == kind)

    @property
    def version_tag(self) -> str:
        """What a match log records, e.g. "rome=60 communes=sha256:91ca166b61f5"."""
        return " ".join(f"{k}={v}" for k, v in sorted(self.versions.items()))

    def _known(self, code_insee: str) -> Commune:
        commune = self.communes.get(code_insee)
        if commune is None:
            raise UnknownCommune(code_insee)
        return commune


K = TypeVar("K")
V = TypeVar("V")


def _frozen(d: dict[K, V]) -> Mapping[K, V]:
    return MappingProxyType(d)


def _grouped(pairs: Iterable[tuple[K, V]]) -> Mapping[K, tuple[V, ...]]:
    groups: defaultdict[K, list[V]] = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return MappingProxyType({k: tuple(v) for k, v in groups.items()})


def _names(libelle: str, formes: Iterable[str]) -> set[str]:
    return {normalise(libelle), *(normalise(f) for f in formes)}


def _skills_by_fiche(
    skills: Iterable[Skill], links: Iterable[FicheSkill]
) -> Mapping[str, tuple[SkillOfFiche, ...]]:
    labels = {s.code_ogr: s.libelle for s in skills}
    pairs = []
    for link in links:
        if link.code_ogr not in labels:
            raise ValueError(f"{link.code_rome} links to unknown skill {link.code_ogr}")
        pairs.append(
            (link.code_rome, SkillOfFiche(link.code_ogr, labels[link.code_ogr], link.kind))
        )
    return _grouped(pairs)
