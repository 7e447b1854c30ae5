"""Screening of published free text for health, disability, pregnancy and family-situation data.

What a référent or a federation writes in a text that leaves its service (a profile's experience,
skills and desired jobs; a need's description and skills) must not tell the matcher, the index or
Kafka about anyone's health, disability, pregnancy or family (RGPD art. 9 for the first three;
the Code du travail forbids selecting on all four). A sentence that does is removed before
publishing, and the writer is told which one.

The list is French, matched on the comparison key of `shared.referential.text.normalise`
(case and accents folded, punctuation as spaces), whole words, masculine and feminine, singular
and plural. Two kinds of words:

- ALWAYS: phrases that can only describe a person's own situation ("RQTH", "mère de", "congé
  maternité", "arrêt maladie", "enfants à charge", "mes enfants", "sa maladie"...);
- SERVED: words that describe a person *or the people a trade serves* ("enfants", "handicap",
  "maladie", "enceinte", "marié", "divorcé"...). They are screened unless they name the people
  served: right after a preposition ("garde d'enfants", "auprès de malades", "suivi de
  grossesse", "robes de mariée", "dossiers de divorce"), after a plural population ("personnes
  en situation de handicap", "femmes enceintes") or after a care trade ("animatrice enfants").
  A preposition after "mère", "père", "congé", "arrêt", "situation", "instance" does not count
  ("mère de deux enfants", "en situation de handicap" said of the candidate).

The rule errs towards screening: a trade sentence that uses such a word without those cues
("travail avec enfants") is removed and reported, and the writer can rephrase it ("auprès
d'enfants"). "marié" without its accent is the first name Marie: only "marié", "mariée",
"mariés", "mariées" count. Words that only imply a situation (ESAT, Cap Emploi) are not screened.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from shared.referential.text import normalise

Category = Literal["health", "disability", "pregnancy", "family_situation"]

_POSSESSIVE = r"(?:mon|ma|mes|son|sa|ses|leur|leurs|notre|nos)"
_ALWAYS: tuple[tuple[Category, str], ...] = (
    ("disability", r"rqth|aah|mdph|taux d incapacite|pension d invalidite"),
    ("disability", r"reconnaissance (?:de la qualite )?(?:de )?travailleu(?:r|se) handicapee?"),
    ("disability", rf"{_POSSESSIVE} (?:handicap|invalidite)"),
    ("health", r"(?:arret|conge) (?:de )?maladie|longue maladie|affection (?:de )?longue duree"),
    ("health", r"mi temps therapeutique|inaptitude|inaptes?|burn out"),
    ("health", r"(?:probleme|problemes|raisons?|etat|soucis) de sante"),
    ("health", rf"{_POSSESSIVE} (?:maladie|sante|pathologie)"),
    ("pregnancy", r"conge (?:de )?(?:maternite|paternite|parental)|enceinte de \d+ mois"),
    ("pregnancy", rf"{_POSSESSIVE} grossesse"),
    ("family_situation", r"(?:mere|pere|maman|papa) (?:de|d)"),
    ("family_situation", r"(?:mere|pere|femme|homme|maman|papa) au foyer"),
    ("family_situation", r"(?:mere|pere|maman|papa|parent) (?:celibataire|isolee?|seule?|solo)"),
    ("family_situation", r"famille (?:monoparentale|nombreuse)|garde alternee|en couple"),
    ("family_situation", r"(?:enfants?|personnes?) a charge"),
    ("family_situation", r"situation (?:familiale|maritale|matrimoniale)"),
    ("family_situation", r"(?:contraintes?|raisons?|obligations?) familiales?"),
    (
        "family_situation",
        rf"{_POSSESSIVE} (?:enfants?|fils|filles?|bebes?|mari|epoux|epouse|femme|conjointe?|"
        r"compagnon|compagne|concubine?)",
    ),
)
_SERVED: tuple[tuple[Category, str], ...] = (
    ("disability", r"handicaps?|handicapee?s?|invalidite|invalides?"),
    ("health", r"maladies?|malades?|cancers?|diabete|depression|accidents? du travail"),
    (
        "pregnancy",
        r"enceintes?(?! (?:acoustiques?|connectees?|bluetooth|sonores?|audio|hi ?fi))"
        r"|grossesses?|accouchee?|accouchement",
    ),
    ("family_situation", r"enfants?|bebes?|maman|papa|celibataires?|veu(?:f|fs|ve|ves)|veuvage"),
    ("family_situation", r"mariee|maries|mariees|divorcee?s?|pacsee?s?|concubine?s?|conjointe?s?"),
)


def _compiled(
    table: tuple[tuple[Category, str], ...],
) -> tuple[tuple[Category, re.Pattern[str]], ...]:
    return tuple((category, re.compile(rf"\b(?:{words})\b")) for category, words in table)


ALWAYS = _compiled(_ALWAYS)
SERVED = _compiled(_SERVED)
# "marié" said of a man keeps its accent: without it, it is the first name Marie.
_MARIE = re.compile(r"\bmarié\b")

_FILLERS = frozenset(
    "le la les l un une jeune jeunes petit petits petite petites tout tous toutes tres "
    "deux trois quatre cinq six sept huit neuf dix douze quinze vingt trente".split()
)
_QUALIFIERS = (
    ("en", "situation", "de"), ("en", "situation", "d"), ("atteints", "de"), ("atteintes", "de"),
    ("atteint", "de"), ("atteinte", "de"), ("atteints", "d"), ("atteintes", "d"),
    ("porteurs", "de"), ("porteuses", "de"), ("porteurs", "d"), ("porteuses", "d"),
    ("souffrant", "de"), ("souffrant", "d"),
)  # fmt: skip
_PREPOSITIONS = frozenset("d de des du aux au pour aupres".split())
_PERSONAL_LEADS = frozenset("mere pere maman papa parent conge arret situation instance".split())
# Plural populations and care trades: what follows them is the people a job serves.
_SERVED_LEADS = frozenset(
    "personnes publics public patients adultes enfants residents usagers beneficiaires familles "
    "femmes hommes meres peres parents eleves adolescents travailleurs salaries seniors malades "
    "garde gardes gardienne nounou animateur animatrice animation educateur educatrice education "
    "specialise specialisee accompagnant accompagnante accompagnement aide aides soin soins "
    "soignant soignante moniteur monitrice encadrement accueil secteur service services pole "
    "unite centre structure etablissement classe groupe ime ehpad creche ecole auxiliaire "
    "assistant assistante infirmier infirmiere puericultrice medecin pediatre prevention".split()
)


@dataclass(frozen=True)
class Finding:
    """A sentence screened out of a published text, and why."""

    field: str
    sentence: str
    category: Category


def _without_qualifiers_and_fillers(words: list[str]) -> list[str]:
    changed = True
    while words and changed:
        changed = False
        if words[-1] in _FILLERS or words[-1].isdigit():
            words, changed = words[:-1], True
            continue
        for qualifier in _QUALIFIERS:
            if tuple(words[-len(qualifier) :]) == qualifier:
                words, changed = words[: -len(qualifier)], True
                break
    return words


def serves_people(before: str) -> bool:
    """Whether the words before a SERVED word make it the people a trade serves."""
    words = _without_qualifiers_and_fillers(before.split())
    if not words:
        return False
    if words[-1] in _SERVED_LEADS:
        return True
    lead = words[-2] if len(words) > 1 else ""
    return words[-1] in _PREPOSITIONS and lead not in _PERSONAL_LEADS


def sensitive_category(sentence: str) -> Category | None:
    """The category of sensitive data a sentence holds, or None when it holds none."""
    key = f" {normalise(sentence)} "
    for category, pattern in ALWAYS:
        if pattern.search(key):
            return category
    for category, pattern in SERVED:
        for found in pattern.finditer(key):
            if not serves_people(key[: found.start()]):
                return category
    if _MARIE.search(unicodedata.normalize("NFC", sentence.casefold())):
        return "family_situation"
    return None


# The sentence boundaries of the intake's compliance rules: a full stop, a line, a bullet.
_SEPARATOR = re.compile(r"((?<=[.!?;])\s+|\n+|\s+[•·-]\s+)")
_TRIM = " \t-•·"


def sentences(text: str) -> list[str]:
    """The sentences of a text, trimmed, empty ones left out."""
    pieces = _SEPARATOR.split(text)[::2]
    return [p.strip(_TRIM) for p in pieces if p.strip(_TRIM)]


def without_sentences(text: str, drop: Callable[[str], bool]) -> tuple[str, list[str]]:
    """The text minus the sentences `drop` says yes to (each trimmed), and those sentences.

    The separators between the sentences kept stay as they were (line breaks, bullets); where
    sentences were dropped, the strongest break around them stays (a line break over a space).
    """
    parts = _SEPARATOR.split(text)
    kept: list[str] = []
    dropped: list[str] = []
    pending: list[str] = []  # the separators since the last sentence kept
    for i in range(0, len(parts), 2):
        if i:
            pending.append(parts[i - 1])
        sentence = parts[i].strip(_TRIM)
        if sentence and drop(sentence):
            dropped.append(sentence)
            continue
        if parts[i].strip():
            breaks = [p for p in pending if "\n" in p]
            kept += [(breaks or pending)[0] if kept else "", parts[i]]
            pending = []
    return "".join(kept).strip(), dropped


def screen_text(field: str, text: str) -> tuple[str, list[Finding]]:
    """A free text minus its sentences holding sensitive data, and what was removed."""
    findings: list[Finding] = []

    def sensitive(sentence: str) -> bool:
        category = sensitive_category(sentence)
        if category is not None:
            findings.append(Finding(field, sentence, category))
        return category is not None

    kept, _ = without_sentences(text, sensitive)
    return kept, findings


def screen_items(field: str, items: list[str]) -> tuple[list[str], list[Finding]]:
    """A list of short texts (skills, jobs) minus the items holding sensitive data."""
    kept: list[str] = []
    findings: list[Finding] = []
    for i, item in enumerate(items):
        category = sensitive_category(item)
        if category is None:
            kept.append(item)
        else:
            findings.append(Finding(f"{field}.{i}", item, category))
    return kept, findings
