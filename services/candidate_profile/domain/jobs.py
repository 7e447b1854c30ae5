"""Desired jobs to ROME codes, through the appellations of the referential.

"Maçonne" and "Maçon" are forms of one appellation, so both give F1703: the feminine and the
masculine of a trade are the same trade.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from shared.referential.model import Appellation, Fiche

_ROME_CODE = re.compile(r"^[A-N]\d{4}$")


class Appellations(Protocol):
    def appellations_named(self, text: str) -> tuple[Appellation, ...]: ...

    def fiche(self, code_rome: str) -> Fiche | None: ...


def rome_codes(
    desired_jobs: Iterable[str], given: Iterable[str], referential: Appellations
) -> list[str]:
    """The given codes first, then those of each job title found in the referential, no repeats."""
    codes: list[str] = list(dict.fromkeys(given))
    for job in desired_jobs:
        text = job.strip()
        if _ROME_CODE.match(text.upper()) and referential.fiche(text.upper()) is not None:
            found = [text.upper()]
        else:
            found = [a.code_rome for a in referential.appellations_named(text)]
        codes += [c for c in found if c not in codes]
    return codes[:10]
