"""What the portal's need form offers while a federation's user types: ROME appellations whose
words start as typed (shared/referential/suggest.py, as every form reads trades and communes),
the skills of a fiche, and the communes of the referential by name.
"""

from __future__ import annotations

from shared.referential.snapshot import Snapshot
from shared.referential.suggest import (
    Place,
    Trade,
    commune_code,
    commune_label,
    communes,
    trades,
)

__all__ = [
    "Place",
    "Trade",
    "commune_code",
    "commune_label",
    "commune_name",
    "communes",
    "skills_of",
    "trades",
]
MAX_SKILL = 120  # shared.contracts.common.SkillText


def skills_of(snapshot: Snapshot, code_rome: str | None, limit: int = 30) -> list[str]:
    """The fiche's skills, in the referential's order, to offer as boxes to tick (those longer
    than a need's skill may be are left out: ticked, they could only be refused)."""
    if not code_rome or snapshot.fiche(code_rome) is None:
        return []
    labels = (s.libelle for s in snapshot.skills(code_rome) if len(s.libelle) <= MAX_SKILL)
    return list(dict.fromkeys(labels))[:limit]


def commune_name(snapshot: Snapshot, code_insee: str) -> str:
    commune = snapshot.commune(code_insee)
    return commune.nom if commune else code_insee
