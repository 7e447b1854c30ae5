"""Suggests ROME 4.0 codes from a need's title and description, without a model.

A lexical scorer: each appellation (and each fiche label) becomes a set of stemmed words, where
the stemmer folds feminine and plural forms onto the masculine singular ("maçonnes" and
"maçon" share "macon"). The title weighs most; character trigrams rescue typos and compounds
("maconerie", "aide-maçon"); the description adds a little. Scores are per ROME code, best
appellation first.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from shared.referential.snapshot import Snapshot
from shared.referential.text import normalise

from .model import RomeAlternative

STOPWORDS = frozenset(
    "a au aux avec ce ces d dans de des du en et f h hf fh il je l la le les leur m n ne nous "
    "on ou par pas pour qu que qui s sa se ses son sur t un une vous y cdi cdd poste postes "
    "recherche recherchons recrute recrutons offre emploi urgent temps plein partiel "
    "mission interim h/f".split()
)
# Longest first: feminine endings onto masculine ones.
_SUFFIXES = (
    ("trices", "teur"),
    ("trice", "teur"),
    ("euses", "eur"),
    ("euse", "eur"),
    ("iennes", "ien"),
    ("ienne", "ien"),
    ("onnes", "on"),
    ("onne", "on"),
    ("ieres", "ier"),
    ("iere", "ier"),
    ("eres", "er"),
    ("ere", "er"),
    ("ives", "if"),
    ("ive", "if"),
    ("ees", "e"),
    ("ee", "e"),
    ("antes", "ant"),
    ("ante", "ant"),
    ("entes", "ent"),
    ("ente", "ent"),
    ("effe", "ef"),
)
_TOKEN = re.compile(r"[a-z0-9]+")
TITLE_WEIGHT, TRIGRAM_WEIGHT, DESCRIPTION_WEIGHT = 0.65, 0.25, 0.10
DESCRIPTION_ECHO = 0.8  # weight of a description word the appellation also has
MAX_ALTERNATIVES = 5


def stem(word: str) -> str:
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)] + replacement
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


# Abbreviations job ads use and appellations spell out.
ABBREVIATIONS = {
    "pl": "poids lourd",
    "spl": "super poids lourd",
    "vl": "vehicule leger",
    "ash": "agent service hospitalier",
    "advf": "assistant vie familles",
    "btp": "batiment travaux publics",
}


def words(text: str) -> list[str]:
    found = []
    for w in _TOKEN.findall(normalise(text)):
        found += ABBREVIATIONS.get(w, w).split()
    return [stem(w) for w in found if w not in STOPWORDS]


def trigrams(text: str) -> Counter[str]:
    padded = f" {' '.join(words(text))} "
    return Counter(padded[i : i + 3] for i in range(len(padded) - 2))


@dataclass(frozen=True, slots=True)
class _Entry:
    rome_code: str
    appellation: str | None
    words: frozenset[str]
    grams: Counter[str]
    grams_norm: float


class RomeSuggester:
    """Built once from a snapshot (a few seconds on 13,000 appellations: build it in a thread)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._labels = {code: fiche.libelle for code, fiche in snapshot.fiches.items()}
        self._entries: list[_Entry] = []
        for app in snapshot.appellations.values():
            self._add(app.code_rome, app.libelle, (app.libelle, *app.formes))
        for code, fiche in snapshot.fiches.items():
            self._add(code, None, (fiche.libelle, *fiche.formes))
        self._by_word: dict[str, list[int]] = defaultdict(list)
        self._by_gram: dict[str, list[int]] = defaultdict(list)
        df: Counter[str] = Counter()
        for i, entry in enumerate(self._entries):
            df.update(entry.words)
            for w in entry.words:
                self._by_word[w].append(i)
            for g in entry.grams:
                self._by_gram[g].append(i)
        n = len(self._entries) or 1
        self._idf = {w: math.log(1 + n / c) for w, c in df.items()}
        self._default_idf = math.log(1 + n)
        # Bulk files repeat their titles; lru_cache is thread-safe, and the results immutable.
        self._cached = functools.lru_cache(maxsize=4096)(self._suggest)

    def _add(self, code: str, appellation: str | None, forms: Iterable[str]) -> None:
        text = " ".join(forms)
        grams = trigrams(text)
        norm = math.sqrt(sum(v * v for v in grams.values())) or 1.0
        self._entries.append(_Entry(code, appellation, frozenset(words(text)), grams, norm))

    def suggest(self, title: str, description: str = "") -> list[RomeAlternative]:
        """Up to five ROME codes, best first, each with its best appellation and a confidence."""
        return list(self._cached(title, description))

    def _suggest(self, title: str, description: str) -> tuple[RomeAlternative, ...]:
        title_words = set(words(title))
        desc_words = set(words(description)) - title_words
        title_grams = trigrams(title)
        candidates = {i for w in title_words for i in self._by_word.get(w, ())}
        if not candidates:  # a typo or a compound: fall back on shared trigrams
            counts = Counter(i for g in title_grams for i in self._by_gram.get(g, ()))
            candidates = {i for i, _ in counts.most_common(300)}
        # A title equal to an appellation scores about 1; the description only adds to it.
        scale = TITLE_WEIGHT + TRIGRAM_WEIGHT
        best: dict[str, tuple[float, _Entry]] = {}
        for i in candidates:
            entry = self._entries[i]
            score = self._score(entry, title_words, desc_words, title_grams) / scale
            if score > best.get(entry.rome_code, (0.0, entry))[0]:
                best[entry.rome_code] = (score, entry)
        ranked = sorted(best.values(), key=lambda se: (-se[0], se[1].rome_code))
        return tuple(
            RomeAlternative(
                rome_code=e.rome_code,
                rome_label=self._labels.get(e.rome_code, e.rome_code),
                appellation=e.appellation,
                confidence=round(min(max(s, 0.0), 1.0), 3),
            )
            for s, e in ranked[:MAX_ALTERNATIVES]
            if s > 0.05
        )

    def _score(
        self, entry: _Entry, title: set[str], desc: set[str], title_grams: Counter[str]
    ) -> float:
        return (
            TITLE_WEIGHT * self._cosine(title, desc, entry.words)
            + TRIGRAM_WEIGHT * _gram_cosine(title_grams, entry.grams, entry.grams_norm)
            + DESCRIPTION_WEIGHT * self._coverage(desc, entry.words)
        )

    def _cosine(self, title: set[str], desc: set[str], doc: frozenset[str]) -> float:
        """Cosine of IDF-weighted words; the description's words count only where the
        appellation has them, so "Cuisinier" + "... en EHPAD" reaches "Cuisinier en EHPAD"."""
        if not title or not doc:
            return 0.0
        idf, default = self._idf, self._default_idf
        weights = {w: idf.get(w, default) for w in title}
        for w in (desc & doc) - title:
            weights[w] = DESCRIPTION_ECHO * idf[w]
        shared = sum(weights[w] * idf[w] for w in weights.keys() & doc)
        q = sum(v * v for v in weights.values())
        d = sum(idf[w] ** 2 for w in doc)
        return shared / math.sqrt(q * d)

    def _coverage(self, desc: set[str], doc: frozenset[str]) -> float:
        """Share of the appellation's weight that the description mentions."""
        if not desc or not doc:
            return 0.0
        total = sum(self._idf[w] for w in doc)
        return sum(self._idf[w] for w in doc & desc) / total


def _gram_cosine(query: Counter[str], doc: Counter[str], doc_norm: float) -> float:
    if not query:
        return 0.0
    dot = sum(v * doc.get(g, 0) for g, v in query.items())
    q = math.sqrt(sum(v * v for v in query.values()))
    return dot / (q * doc_norm)
