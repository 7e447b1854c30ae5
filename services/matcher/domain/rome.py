"""ROME codes from free titles, and gendered job words folded to one form.

Titles are matched to the appellations (masculine and feminine forms alike): exactly, then by the
longest appellation contained in the title, then by the fiche most of whose appellations hold
every word of the title. The same referential folds "maçonne" to "maçon" and "aide-soignante" to
"aide-soignant" in any text (see gender.py), so that twins score the same (L1142-1).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from services.matcher.domain.gender import feminine_to_masculine, masculine_of
from services.matcher.domain.text.french import drop_gender_marks, plain_typography
from shared.referential.snapshot import Snapshot
from shared.referential.text import normalise

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
        forms: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for app in snapshot.appellations.values():
            for name in {app.libelle, *app.formes}:
                forms[normalise(name)][app.code_rome] += 1
        for fiche in snapshot.fiches.values():
            for name in {fiche.libelle, *fiche.formes}:
                forms[normalise(name)][fiche.code_rome] += 1
        self._forms = {key: c.most_common(1)[0][0] for key, c in forms.items() if key}
        self._max_words = max((len(k.split()) for k in self._forms), default=1)
        self._gender = feminine_to_masculine(snapshot)
        self._by_word: defaultdict[str, set[str]] = defaultdict(set)
        for key in self._forms:
            for word in key.split():
                self._by_word[word].add(key)
        self.code_for = lru_cache(maxsize=65536)(self._code_for)
        self.neutral = lru_cache(maxsize=65536)(self._neutral)

    def label(self, code: str) -> str:
        fiche = self.snapshot.fiche(code)
        return fiche.libelle if fiche else code

    def codes_for(self, titles: Iterable[str]) -> tuple[str, ...]:
        codes = (self.code_for(t) for t in titles)
        return tuple(dict.fromkeys(c for c in codes if c))

    def _neutral(self, text: str) -> str:
        """Lower-cased text in plain typography, "H/F" and inclusive endings dropped, feminine
        job words replaced by their masculine form and "maçon / maçonne" said once: what the
        encoder sees of a need or a profile, the same for twins that differ only by gender."""
        unmarked = drop_gender_marks(plain_typography(text).lower())
        folded = _WORD.sub(lambda m: masculine_of(m[0], self._gender), unmarked)
        spaced = _SPACES.sub(" ", folded).strip()
        return _REPEATED.sub(r"\1", spaced) if "/" in spaced else spaced

    def _code_for(self, title: str) -> str | None:
        key = normalise(self._neutral(title))
        if key in self._forms:
            return self._forms[key]
        words = key.split()
        for n in range(min(len(words), self._max_words), 0, -1):
            for i in range(len(words) - n + 1):
                window = " ".join(words[i : i + n])
                if window in self._forms and window not in STOPWORDS:
                    return self._forms[window]
        return self._by_all_words([w for w in words if w not in STOPWORDS])

    def _by_all_words(self, words: list[str]) -> str | None:
        if not words or any(w not in self._by_word for w in words):
            return None
        keys = set.intersection(*(self._by_word[w] for w in words))
        votes = Counter(self._forms[k] for k in keys)
        return votes.most_common(1)[0][0] if votes else None

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
