"""What a form offers while someone types, and how it reads back what was typed: ROME
appellations whose words start as typed, and communes by name or INSEE code.

"maçon" finds "Maçon / Maçonne" and "Maçon-coffreur / Maçonne-coffreuse": every word typed must
start a word of the appellation (in any order, either gendered form), accents and case aside.
Pure lookups over a Snapshot, indexed once per snapshot; the intake's need form, the
diagnostic's trades and the catalogue of actions all read trades and communes this way.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from shared.referential.snapshot import Snapshot
from shared.referential.text import normalise

_CODE_IN_NAME = re.compile(r"\((\d{5}|2[AB]\d{3})\)\s*$")
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


class Trade(NamedTuple):
    libelle: str
    code_rome: str
    fiche: str


class Place(NamedTuple):
    nom: str
    code_insee: str

    @property
    def label(self) -> str:
        """What a form shows and sends back: the name, and the code that tells homonyms apart."""
        return f"{self.nom} ({self.code_insee})"


class _Entry(NamedTuple):
    key: str
    words: frozenset[str]
    principale: bool
    trade: Trade


def trades(snapshot: Snapshot, text: str, limit: int = 12) -> list[Trade]:
    """Appellations whose words start with every word typed; those starting with the first word
    first, then France Travail's main ones, then the shorter."""
    typed = normalise(text).split()
    if not typed or len("".join(typed)) < 2:
        return []
    hits = [e for e in _trades(snapshot) if all(_starts_a_word(t, e.words) for t in typed)]
    hits.sort(key=lambda e: (not e.key.startswith(typed[0]), not e.principale, len(e.key), e.key))
    return [e.trade for e in hits[:limit]]


def communes(snapshot: Snapshot, text: str, limit: int = 12) -> list[Place]:
    """Communes whose name starts as typed, then those whose name holds it."""
    typed = normalise(text)
    if len(typed) < 2:
        return []
    index = _communes(snapshot)
    hits = [p for key, p in index if key.startswith(typed)]
    hits += [p for key, p in index if typed in key and not key.startswith(typed)]
    return hits[:limit]


def commune_code(snapshot: Snapshot, written: str) -> str | None:
    """The INSEE code of what the user wrote: "Muret (31395)", "31395" or a name with no
    homonym; None when the referential has no such commune or the name is ambiguous."""
    written = written.strip()
    found = _CODE_IN_NAME.search(written) or _INSEE.match(written)
    if found:
        code = found.group(1)
        return code if snapshot.has_commune(code) else None
    same = [p for key, p in _communes(snapshot) if key == normalise(written)]
    return same[0].code_insee if len(same) == 1 else None


def commune_label(snapshot: Snapshot, code_insee: str) -> str:
    commune = snapshot.commune(code_insee)
    return Place(commune.nom, code_insee).label if commune else code_insee


def _starts_a_word(prefix: str, words: frozenset[str]) -> bool:
    return any(w.startswith(prefix) for w in words)


@lru_cache(maxsize=4)
def _trades(snapshot: Snapshot) -> tuple[_Entry, ...]:
    """Built once per referential loaded (13,000 appellations: a few milliseconds to scan)."""
    entries = []
    for a in snapshot.appellations.values():
        key = normalise(a.libelle)
        words = frozenset(key.split()) | {w for f in a.formes for w in normalise(f).split()}
        fiche = snapshot.fiche(a.code_rome)
        trade = Trade(a.libelle, a.code_rome, fiche.libelle if fiche else a.code_rome)
        entries.append(_Entry(key, words, a.principale, trade))
    return tuple(entries)


@lru_cache(maxsize=4)
def _communes(snapshot: Snapshot) -> tuple[tuple[str, Place], ...]:
    places = sorted(
        (Place(c.nom, code) for code, c in snapshot.communes.items()),
        key=lambda p: (normalise(p.nom), p.code_insee),
    )
    return tuple((normalise(p.nom), p) for p in places)
