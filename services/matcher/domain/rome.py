"""ROME codes from free titles, and gendered job words folded to one form.

Titles are matched to the appellations (masculine and feminine forms alike): exactly, then by the
longest appellation contained in the title, then by the fiche most of whose appellations hold
every word of the title. The same tables fold "maçonne" to "maçon" and "aide-soignante" to
"aide-soignant" in any text, so that feminine and masculine twins score the same (L1142-1).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from services.matcher.domain.text.french import plain_typography
from shared.referential.snapshot import Snapshot
from shared.referential.text import normalise

_WORD = re.compile(r"\w+")
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
        gender: Counter[tuple[str, str]] = Counter()
        for app in snapshot.appellations.values():
            for name in {app.libelle, *app.formes}:
                forms[normalise(name)][app.code_rome] += 1
            if len(app.formes) == 2:
                _pair_words(app.formes[0], app.formes[1], gender)
        for fiche in snapshot.fiches.values():
            for name in {fiche.libelle, *fiche.formes}:
                forms[normalise(name)][fiche.code_rome] += 1
        self._forms = {key: c.most_common(1)[0][0] for key, c in forms.items() if key}
        self._max_words = max((len(k.split()) for k in self._forms), default=1)
        # A few labels put the feminine form first: the majority decides each pair's direction.
        folded = {(f, normalise(m)): n for (f, m), n in gender.items()}
        self._gender = {
            f: m for (f, m), n in gender.items() if n > folded.get((normalise(m), f), 0)
        }
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
        """Lower-cased text in plain typography, feminine job words replaced by their masculine
        form: what the encoder sees of a need or a profile."""
        lowered = plain_typography(text).lower()
        return _WORD.sub(lambda m: self._gender.get(normalise(m[0]), m[0]), lowered)

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


def _pair_words(masculine: str, feminine: str, into: Counter[tuple[str, str]]) -> None:
    """Align the words of two forms of one title; count feminine word -> masculine word."""
    mw, fw = _WORD.findall(masculine.lower()), _WORD.findall(feminine.lower())
    if len(mw) != len(fw):
        return
    for m, f in zip(mw, fw, strict=True):
        nm, nf = normalise(m), normalise(f)
        if nm != nf and nm[:3] == nf[:3]:
            into[(nf, m)] += 1
