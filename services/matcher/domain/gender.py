"""Feminine job words and the masculine word a user would type for the same trade.

Two sources, the ROME first: the words of its paired forms ("Plâtrier / Plâtrière" gives
plâtrière → plâtrier), then French endings (opératrice → opérateur, cheffe → chef), trusted only
when they lead back to a word the ROME writes in a masculine form. That guard keeps "assiette",
"toilette" and "presse" as they are: no ROME title holds "assiet", "toilet" or "pre". A word
typed without accents folds to the masculine without accents, as its twin would be typed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from shared.referential.model import Appellation, Fiche
from shared.referential.snapshot import Snapshot
from shared.referential.text import normalise

_WORD = re.compile(r"\w+")
# Masculine ending -> the feminine endings it takes.
_ENDINGS = (
    ("ier", ("ière",)),
    ("er", ("ère",)),
    ("eur", ("euse", "rice", "eresse")),
    ("eux", ("euse",)),
    ("en", ("enne",)),
    ("on", ("onne",)),
    ("an", ("anne",)),
    ("et", ("ette",)),
    ("el", ("elle",)),
    ("if", ("ive",)),
    ("ef", ("effe",)),
    ("e", ("esse",)),
    ("", ("e",)),  # agent → agente, ingénieur → ingénieure, employé → employée
)
_ACCENTED = frozenset("àâäçéèêëîïôöùûü")
_MIN_MASCULINE = 4  # "mer" is no masculine of "mère": short words are too little to go on


def feminine_to_masculine(snapshot: Snapshot) -> dict[str, str]:
    """Lower-case feminine word (and plural) -> its masculine word, accents kept as typed."""
    paired = _rome_pairs(snapshot)
    vocabulary = _masculine_words(snapshot) - paired.keys() - {_bare(f) for f in paired}
    table: dict[str, str] = {}
    # The ending rules first: the ROME now and then pairs two different words
    # ("Décontaminateur / Décontamineuse"), where the rule finds the masculine of the same word.
    for masculine in sorted(vocabulary):
        for feminine in _feminines(masculine):
            if feminine not in vocabulary and len(masculine) >= _MIN_MASCULINE:
                table.setdefault(feminine, masculine)
    for feminine, masculine in paired.items():
        table.setdefault(feminine, masculine)
    for feminine, masculine in list(table.items()):
        table.setdefault(feminine + "s", _plural(masculine))
        table.setdefault(_bare(feminine), _bare(masculine))
        table.setdefault(_bare(feminine) + "s", _bare(_plural(masculine)))
    return {f: _accented_like(f, m) for f, m in table.items() if f != m}


def masculine_of(word: str, table: dict[str, str]) -> str:
    """The masculine of one lower-case word, or the word; "équipière" finds "equipière" when
    the ROME writes the capital without its accent, and keeps the accent it was typed with."""
    found = table.get(word)
    if found is not None:
        return found
    plain = table.get(_bare(word[:1]) + word[1:]) if word[:1] in _ACCENTED else None
    return word[:1] + plain[1:] if plain else word


def _rome_pairs(snapshot: Snapshot) -> dict[str, str]:
    """Feminine word -> masculine word read from the two forms of each ROME title."""
    counts: Counter[tuple[str, str]] = Counter()
    for masculine, feminine in _paired_forms(snapshot):
        mw, fw = _WORD.findall(masculine.lower()), _WORD.findall(feminine.lower())
        if len(mw) == len(fw):
            counts.update((f, m) for m, f in zip(mw, fw, strict=True) if _same_stem(m, f))
    # A few labels put the feminine form first: the majority decides each pair's direction.
    return {f: m for (f, m), n in counts.items() if n > counts[(m, f)]}


def _same_stem(masculine: str, feminine: str) -> bool:
    nm, nf = normalise(masculine), normalise(feminine)
    return nm != nf and nm[:3] == nf[:3]


def _titles(snapshot: Snapshot) -> Iterator[Appellation | Fiche]:
    yield from snapshot.appellations.values()
    yield from snapshot.fiches.values()


def _paired_forms(snapshot: Snapshot) -> Iterator[tuple[str, str]]:
    for named in _titles(snapshot):
        if len(named.formes) == 2:
            yield named.formes[0], named.formes[1]


def _masculine_words(snapshot: Snapshot) -> set[str]:
    words: set[str] = set()
    for named in _titles(snapshot):
        title = named.formes[0] if named.formes else named.libelle
        words.update(_WORD.findall(title.lower()))
    return words | {_bare(w) for w in words}


def _feminines(masculine: str) -> Iterable[str]:
    for ending, feminine_endings in _ENDINGS:
        if masculine.endswith(ending):
            stem = masculine[: len(masculine) - len(ending)]
            yield from (stem + f for f in feminine_endings)


def _plural(masculine: str) -> str:
    if masculine.endswith(("s", "x", "z")):
        return masculine
    return masculine[:-2] + "aux" if masculine.endswith("al") else masculine + "s"


def _accented_like(feminine: str, masculine: str) -> str:
    """The masculine with the first letter of the feminine: the ROME writes capitals without
    accents ("Electricien"), a user types "électricienne" and its twin "électricien"."""
    if feminine[:1] != masculine[:1] and _bare(feminine[:1]) == _bare(masculine[:1]):
        return feminine[:1] + masculine[1:]
    return masculine


def _bare(word: str) -> str:
    """The word as typed without accents (normalise keeps letters and digits only)."""
    return normalise(word).replace(" ", "") or word
