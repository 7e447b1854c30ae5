"""Gendered job words folded to one form, and the relation between two ROME trades.

The referential folds "maçonne" to "maçon" and "aide-soignante" to "aide-soignant" in any text
(see gender.py), so that twins score the same (L1142-1). Trades themselves are read from the
whole text by `trades.py`; `link` says how a need's trade and a candidate's relate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from services.matcher.domain.gender import feminine_to_masculine, masculine_of
from services.matcher.domain.text.french import drop_gender_marks, plain_typography
from shared.referential.snapshot import Snapshot

_WORD = re.compile(r"\w+")
# "maçon / maçon" once the feminine is folded (and "chef maçon/chef maçon"): said once.
# Up to six words a side, so that a long text with a slash stays one linear pass.
_REPEATED = re.compile(r"(?<![\w'-])((?:[\w'-]+ ){0,5}?[\w'-]+) ?/ ?\1(?![\w'-])")
_SPACES = re.compile(r"\s+")
STOPWORDS = frozenset(
    "a au aux avec d dans de des du en et h f l la le les ou par pour sur un une".split()
)
LinkKind = Literal["same", "mobility", "domain", "none"]


@dataclass(frozen=True, slots=True)
class RomeLink:
    kind: LinkKind
    need_code: str | None = None
    profile_code: str | None = None


class RomeResolver:
    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._gender = feminine_to_masculine(snapshot)
        self.neutral = lru_cache(maxsize=65536)(self._neutral)

    def label(self, code: str) -> str:
        fiche = self.snapshot.fiche(code)
        return fiche.libelle if fiche else code

    def _neutral(self, text: str) -> str:
        """Lower-cased text in plain typography, "H/F" and inclusive endings dropped, feminine
        job words replaced by their masculine form and "maçon / maçonne" said once: what the
        encoder sees of a need or a profile, the same for twins that differ only by gender."""
        unmarked = drop_gender_marks(plain_typography(text).lower())
        folded = _WORD.sub(lambda m: masculine_of(m[0], self._gender), unmarked)
        spaced = _SPACES.sub(" ", folded).strip()
        return _REPEATED.sub(r"\1", spaced) if "/" in spaced else spaced

    def link(self, need_codes: Iterable[str], profile_codes: Iterable[str]) -> RomeLink:
        """The closest relation between the need's trade and one the candidate wants."""
        needs, profiles = tuple(need_codes), tuple(profile_codes)
        kinds: tuple[LinkKind, ...] = ("same", "mobility", "domain")
        for kind in kinds:
            for n in needs:
                for p in profiles:
                    if self._related(kind, n, p):
                        return RomeLink(kind, n, p)
        return RomeLink("none", needs[0] if needs else None, profiles[0] if profiles else None)

    def _related(self, kind: str, need: str, profile: str) -> bool:
        if kind == "same":
            return need == profile
        if kind == "mobility":
            return need in self.snapshot.mobilities(profile) or profile in (
                self.snapshot.mobilities(need)
            )
        return need[:3] == profile[:3]
