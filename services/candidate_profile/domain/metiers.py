"""Trades suggested while a référent types: appellations of the ROME whose words start so.

"maçon" finds "Maçon / Maçonne" and "Maçon-coffreur / Maçonne-coffreuse"; every word typed
must start a word of the appellation (in any order), accents and case aside. Appellations whose
label starts with the first word come first, then France Travail's main ones, then shorter.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from shared.referential.snapshot import Snapshot
from shared.referential.text import normalise


class Suggestion(NamedTuple):
    libelle: str
    code_rome: str


class _Entry(NamedTuple):
    key: str
    words: frozenset[str]
    principale: bool
    suggestion: Suggestion


def suggest(referential: Snapshot, text: str, limit: int = 12) -> list[Suggestion]:
    typed = normalise(text).split()
    if not typed or len("".join(typed)) < 2:
        return []
    hits = [e for e in _index(referential) if all(_starts_a_word(t, e.words) for t in typed)]
    hits.sort(
        key=lambda e: (
            not e.key.startswith(typed[0]),
            not e.principale,
            len(e.key),
            e.key,
        )
    )
    return [e.suggestion for e in hits[:limit]]


def _starts_a_word(prefix: str, words: frozenset[str]) -> bool:
    return any(w.startswith(prefix) for w in words)


@lru_cache(maxsize=4)
def _index(referential: Snapshot) -> tuple[_Entry, ...]:
    """Built once per referential loaded (13,000 appellations: a few milliseconds to scan)."""
    entries = []
    for a in referential.appellations.values():
        key = normalise(a.libelle)
        words = frozenset(key.split()) | {w for f in a.formes for w in normalise(f).split()}
        entries.append(_Entry(key, words, a.principale, Suggestion(a.libelle, a.code_rome)))
    return tuple(entries)
