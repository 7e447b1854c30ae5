"""Text rules of the referential: comparison keys, and the gendered forms of a published label.

ROME labels put the masculine and feminine forms on either side of " / " and share the rest:
"Coffreur-bancheur / Coffreuse-bancheuse", "Agent / Agente de propreté de locaux",
"Artiste Plasticien / Plasticienne", "Accompagnateur formateur / Accompagnatrice formatrice
technique". A "/" without spaces ("biologie/microbiologie") is part of a word and is kept.
"""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
SEPARATOR = " / "

# Gendered pairs whose spellings do not share a stem; every other pair is found by its stem.
_PAIRS = frozenset(
    {
        ("homme", "femme"),
        ("garcon", "fille"),
        ("steward", "hotesse"),
        ("monsieur", "dame"),
        ("valet", "femme"),
        ("man", "woman"),
    }
)


def normalise(text: str) -> str:
    """Comparison key: lowercase, accents folded, punctuation collapsed to single spaces."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    # Dropping what is not ASCII after NFKD removes the accents (and any non-Latin letter,
    # which French job titles do not use) ten times faster than filtering combining marks.
    bare = folded.encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub(" ", bare).strip()


def _paired(masculine: str, feminine: str) -> bool:
    a, b = normalise(masculine), normalise(feminine)
    if a == b or not a or not b:
        return False
    # Three letters pair "acteur" with "actrice"; word position breaks ties such as
    # "Conducteur convoyeur / Conductrice convoyeuse" (see _last_feminine_word).
    return a[:3] == b[:3] or (a, b) in _PAIRS


def gendered_forms(label: str) -> tuple[str, ...]:
    """The forms a published label stands for, masculine first; without " / ", the label alone."""
    left, sep, right = label.partition(SEPARATOR)
    if not sep:
        return (label.strip(),)
    lw, rw = left.split(), right.split()
    if not lw or not rw:
        return (label.strip(),)
    # i: where the gendered words start on the left; j: where they end on the right.
    i = next((k for k, w in enumerate(lw) if _paired(w, rw[0])), None)
    j = _last_feminine_word(lw[-1], rw, width=len(lw) - (i or 0))
    if i is None and j is None:
        # Not a gendered pair but two names of one trade: "Lapidaire / Diamantaire".
        return _unique(" ".join(lw), " ".join(rw))
    if i is None:
        i = max(len(lw) - (j or 0) - 1, 0)
    if j is None:
        j = min(len(lw) - i, len(rw)) - 1
    prefix, suffix = lw[:i], rw[j + 1 :]
    return _unique(" ".join(prefix + lw[i:] + suffix), " ".join(prefix + rw[: j + 1] + suffix))


def _last_feminine_word(masculine: str, right: list[str], *, width: int) -> int | None:
    """Where the feminine words end: as many as the masculine ones, else the first stem match."""
    if width <= len(right) and _paired(masculine, right[width - 1]):
        return width - 1
    return next((k for k, w in enumerate(right[:width]) if _paired(masculine, w)), None)


def _unique(*forms: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(forms))
