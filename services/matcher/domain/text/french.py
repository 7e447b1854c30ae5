"""French job-title normalisation for lexical matching: one key per trade, whatever its gender.

"Maçonne", "maçons", "Maçon / Maçonne" and "maçon/maçonne" all come down to the word key
"macon"; "directrices" and "directeur" to "directeur"; "médicaux" and "médicale" to "medical".
The rules are generic French morphology (plural, feminine endings, elision), not a lexicon.
"""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "’": "'", "ʼ": "'"})
_WORD = re.compile(r"[a-z0-9]+")
# "l'", "d'", "qu'" glued to the next word: the article carries nothing for matching.
_ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|c|m|t)'")

STOPWORDS = frozenset(
    "a au aux avec d de des du en et l la le les ou par pour sur dans un une sous chez"
    " hors vers".split()
)

# Feminine endings → masculine, longest first; applied after the plural is dropped.
_GENDER = (
    ("eresse", "eur"),  # enchanteresse
    ("effe", "ef"),  # cheffe
    ("trice", "teur"),
    ("euse", "eur"),
    ("iere", "ier"),
    ("ienne", "ien"),
    ("enne", "en"),
    ("onne", "on"),
    ("ette", "et"),
    ("elle", "el"),
    ("ere", "er"),
    ("ive", "if"),
    ("ale", "al"),
    ("ee", "e"),
)
_MIN_STEM = 3  # shorter words ("bte", "cap") are left alone: too little to go on


def fold(text: str) -> str:
    """Lowercase, no accents, typographic apostrophes made plain, elisions removed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    bare = decomposed.encode("ascii", "ignore").decode("ascii")
    return _ELISION.sub(" ", bare)


# Same character, other glyph: what a keyboard types and what a typesetter prints.
_TYPOGRAPHY = str.maketrans(
    {"’": "'", "ʼ": "'", "‘": "'", "«": '"', "»": '"', "“": '"', "”": '"', "–": "-", "—": "-"}
)
_SPACES = re.compile(r"\s+")


def plain_typography(text: str) -> str:
    """The text as typed on a keyboard: plain apostrophes, quotes, dashes and single spaces.

    Encoders see "d’hôtel" and "d'hôtel" as different tokens: a title typed with one should
    not find a label printed with the other further away than its twin.
    """
    return _SPACES.sub(" ", text.translate(_TYPOGRAPHY)).strip()


def word_key(word: str) -> str:
    """The gender- and number-neutral key of one folded word."""
    if len(word) > _MIN_STEM + 1:
        if word.endswith("aux"):
            word = word[:-3] + "al"
        elif word[-1] in "sx":
            word = word[:-1]
    for feminine, masculine in _GENDER:
        if word.endswith(feminine) and len(word) - len(feminine) >= _MIN_STEM - 1:
            return word[: -len(feminine)] + masculine
    return word


def keys(text: str) -> list[str]:
    """Word keys of a text, stopwords dropped, each key once in order of first appearance."""
    words = (word_key(w) for w in _WORD.findall(fold(text)) if w not in STOPWORDS)
    return list(dict.fromkeys(w for w in words if w))


def plural_head(text: str) -> bool:
    """True when the first word is a plural ("Imprimeurs", "Mécaniciens et réparateurs ..."):
    such a label names a family of jobs, where a job title starts with a singular noun."""
    words = _WORD.findall(fold(text))
    if not words or len(words[0]) <= _MIN_STEM + 1:
        return False
    head = words[0]
    # Singular words ending in s ("commis") look plural too; the engine compares both sides.
    return head[-1] in "sx" and word_key(head) != head


def neutral(text: str) -> str:
    """The text as one gender-neutral string ("macon chef equipe"), for character n-grams."""
    return " ".join(keys(text))
