"""French job-title normalisation for lexical matching: one key per trade, whatever its gender.

"Maçonne", "maçons", "Maçon / Maçonne" and "maçon/maçonne" all come down to the word key
"macon"; "directrices" and "directeur" to "directeur"; "médicaux" and "médicale" to "medical";
"Agent(e) H/F" and "agent·e" to "agent". The rules are generic French morphology (plural,
feminine endings, inclusive marks, elision), not a lexicon. The matcher computes keys of texts
already made gender-neutral (`RomeResolver.neutral`, checked against the ROME's words): that is
where twins meet exactly. More endings here (-ente, -ise, -esse...) joined unrelated words
("vente"/"vent") and cost 0.0010 MRR on MELO (bench/melo.py: 0.8746 vs 0.8756).
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
# An e after -nt, -at, -et, -ut, -rt, -nd, -rd or a vowel and n marks the feminine of the
# word without it: agente, avocate, experte, marchande, laborantine, apprentie.
_FEMININE_E = re.compile(r"(?:[aeiounr][td]|[aeiou]n|nti)e$")
_MIN_STEM = 3  # shorter words ("bte", "cap") are left alone: too little to go on

# "H/F", "(F/H)", "- h/f/x": the offer is open to all, which says nothing about the trade.
_HF = re.compile(r"\s*(?:(?<=\s)-|[,:])?\s*\(?(?<!\w)[hf]\s*/\s*[hf](?:\s*/\s*(?:x|nb))?(?!\w)\)?")
# Inclusive endings glued to the masculine word: "agent(e)s", "éducatif(ve)", "caissier(ère)",
# "technicien·ne·s", "conducteur·rice", "agent.e", "agent-e". A dot or a hyphen takes only the
# endings nothing else writes that way, so decimals, sentence ends and compounds keep theirs.
_ENDINGS = (
    "e|es|ne|le|te|se|sse|ve|fe|ère|ere|ière|iere|euse|eresse|rice|trice|ice|esse|ive|tive"
    "|ale|elle|ienne|enne|onne|ette|ante|ente|ée|ee"
)
_MAY_MARK = re.compile(r"[/(·•‧⋅∙]|\w[.-]\w")
_PAREN_MARK = re.compile(rf"(?<=[^\W\d_])\((?:{_ENDINGS})(s?)\)(s?)(?!\w)")
_DOT_MARK = re.compile(rf"(?<=[^\W\d_])[·•‧⋅∙](?:{_ENDINGS})(?:[·•‧⋅∙]?(s))?(?!\w)")
_GLUED_MARK = re.compile(r"(?<=[^\W\d_])[.-](?:e|ne|euse|rice|trice|ère|ve)(?:[.-]?(s))?(?!\w)")


def drop_gender_marks(lowered: str) -> str:
    """The lower-case text with "H/F" tokens and inclusive endings gone: "agent·e·s" reads
    "agents", "Maçon (H/F)" reads "maçon"; a plural mark stays on the masculine word."""
    if not _MAY_MARK.search(lowered):
        return lowered
    text = _HF.sub("", lowered)
    text = _PAREN_MARK.sub(lambda m: "s" if m[1] or m[2] else "", text)
    text = _DOT_MARK.sub(lambda m: m[1] or "", text)
    return _GLUED_MARK.sub(lambda m: m[1] or "", text)


def fold(text: str) -> str:
    """Lowercase, no accents, typographic apostrophes made plain, elisions removed, gender
    marks ("H/F", "agent(e)", "technicien·ne") dropped."""
    unmarked = drop_gender_marks(text.casefold())
    decomposed = unicodedata.normalize("NFKD", unmarked.translate(_LIGATURES))
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
