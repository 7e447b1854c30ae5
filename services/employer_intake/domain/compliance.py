"""Flags the sentences of a need that may select on a ground the Code du travail forbids.

Rules are regular expressions over normalised text (lowercase, accents folded, punctuation as
spaces: "réservé aux hommes" is matched as "reserve aux hommes"). A flag is advice to the
federation, not a refusal, so a rule may err towards flagging; but "H/F", "F/H" and gendered
job titles ("Maçon / Maçonne", "Homme / Femme d'entretien") are never flags.

Nationality requirements ("nationalité française exigée") are not flagged: they are lawful for
some jobs (public employment, some regulated professions) and the intake cannot tell which;
neither is a valid work permit ("titre de séjour"), which the employer must check by law.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from shared.contracts import ComplianceFlag
from shared.referential.text import normalise

Ground = Literal["sex", "age", "family_situation", "origin", "health", "other"]
_PEOPLE = r"(hommes?|femmes?|garcons?|filles?|messieurs|dames)"
_AGE = r"(1[6-9]|[2-7]\d)"
_NOT_EXPERIENCE = r"(?! (d |de )?(experience|anciennete|metier|pratique|carriere|existence))"
# "Femme de ménage", "homme d'entretien": job titles, not a selection on sex.
_NOT_TITLE = r"(?! (de |d )(menage|entretien|chambre|salle|service|toutes mains|main))"


@dataclass(frozen=True)
class Rule:
    ground: Ground
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None

    @property
    def article(self) -> str:
        return "L1142-1" if self.ground == "sex" else "L1132-1"


def _rule(ground: Ground, pattern: str, unless: str | None = None) -> Rule:
    return Rule(ground, re.compile(pattern), re.compile(unless) if unless else None)


RULES: tuple[Rule, ...] = (
    # sex (L1142-1), pregnancy included
    _rule("sex", rf"\b{_PEOPLE} (uniquement|exclusivement|seulement|exclusifs?)\b"),
    _rule(
        "sex",
        rf"\b(uniquement|exclusivement|seulement) (des |les |un |une |pour (les |des )?)?"
        rf"{_PEOPLE}\b{_NOT_TITLE}",
    ),
    _rule("sex", rf"\breserve(e|s|es)? (aux|a des|a un|a une|a la gent) {_PEOPLE}\b{_NOT_TITLE}"),
    _rule("sex", r"\b(sexe|genre) (masculin|feminin)\b"),
    _rule(
        "sex",
        r"\b(profil|candidat|candidate|candidats|personnel|poste|equipe) (masculin|feminin)e?s?\b",
    ),
    _rule("sex", rf"\b(pas de|aucune?|sans) {_PEOPLE}\b{_NOT_TITLE}"),
    _rule("sex", rf"\b{_PEOPLE} (s abstenir|exclue?s?|non acceptee?s?|refusee?s?)\b"),
    _rule(
        "sex",
        r"\b(recherchons|cherchons|recrutons|souhaitons|prefere|preferons|privilegions) "
        rf"(un homme|une femme|des hommes|des femmes|un garcon|une fille)\b{_NOT_TITLE}",
    ),
    _rule(
        "sex", r"\b(pas|non) enceinte\b|\bgrossesse\b|\bpas de projet de (grossesse|maternite)\b"
    ),
    # age
    _rule("age", rf"\b(moins|plus) de {_AGE} ans\b{_NOT_EXPERIENCE}"),
    _rule("age", rf"\bentre {_AGE} et {_AGE} ans\b{_NOT_EXPERIENCE}"),
    _rule(
        "age",
        r"\b(age|agee?s?) (de |d au (moins|plus) |entre |maximum |minimum |max |min |limite )?"
        rf"{_AGE}\b",
    ),
    _rule(
        "age",
        rf"\b{_AGE} ans (maximum|max|minimum|min|au plus|au maximum|au minimum|et moins|et plus)\b",
    ),
    _rule("age", r"\b(age|ages) (maximum|minimum|limite|requis)\b|\blimite d age\b"),
    _rule("age", r"\bjeunes? (de moins de|de \d{2}|entre|uniquement|exclusivement)\b"),
    _rule("age", r"\bseniors? (exclus?|s abstenir|non acceptes?|refuses?)\b|\bpas de seniors?\b"),
    _rule("age", r"\b(jeune et dynamique|jeunes et dynamiques|jeune equipe recherche jeune)\b"),
    # family situation
    _rule(
        "family_situation",
        r"\b(sans|pas d|pas de|aucun) "
        r"(enfants?|charges? de famille|charges? familiales?|contraintes? familiales?)\b",
    ),
    _rule("family_situation", r"\bcelibataires?\b"),
    _rule("family_situation", r"\bsituation (familiale|maritale|matrimoniale)\b"),
    _rule(
        "family_situation",
        r"\b(meres?|peres?) de famille (s abstenir|exclue?s?)\b"
        r"|\bpas de (meres?|peres?) de famille\b",
    ),
    _rule(
        "family_situation", r"\bmariee?s? (uniquement|exige|exigee|de preference|obligatoirement)\b"
    ),
    # origin
    _rule(
        "origin",
        r"\bd origine (francaise|europeenne|etrangere|maghrebine|africaine|asiatique|arabe|"
        r"antillaise|africaine|metropolitaine|\w+ (uniquement|exigee|souhaitee))\b"
        r"|\borigine (ethnique|etrangere|raciale)\b",
        unless=r"\b(produits?|viandes?|fruits?|legumes?|bois|materiaux|marchandises?|denrees?|"
        r"aliments?|vins?|appellation|matieres?|ingredients?) d origine\b",
    ),
    _rule(
        "origin",
        r"\bde type "
        r"(europeen|africain|asiatique|maghrebin|caucasien|mediterraneen|nordique)(ne)?s?\b",
    ),
    _rule(
        "origin", r"\b(de souche|francais de souche|couleur de peau|peau (blanche|claire|noire))\b"
    ),
    _rule(
        "origin",
        r"\b(francais|francaise|anglais|espagnol) langue maternelle\b"
        r"|\blangue maternelle (francaise|anglaise)\b",
    ),
    _rule("origin", r"\bpas d (etrangers?|immigres?)\b|\b(etrangers?|immigres?) s abstenir\b"),
    # health and disability
    _rule(
        "health", r"\ben (bonne|parfaite|excellente) (sante|condition physique|forme physique)\b"
    ),
    _rule("health", r"\bbonne (sante|constitution)\b"),
    _rule(
        "health",
        r"\b(pas|sans|aucun) (de |d )?"
        r"(handicap|rqth|travailleurs? handicapes?|personnes? handicapees?)\b",
    ),
    _rule("health", r"\bhandicapee?s? (exclue?s?|s abstenir|non acceptee?s?)\b"),
    _rule(
        "health",
        r"\b(pas|sans|aucun|aucune) (de |d )?(probleme|antecedent|pathologie|maladie|arret)s? "
        r"(de sante|medica(l|ux)|chronique|maladie)\b",
    ),
    _rule("health", r"\b(non fumeur|non fumeuse|pas de fumeurs?)\b"),
)

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+|\s+[•·-]\s+")
MAX_SENTENCE = 300


def sentences(text: str) -> Iterable[str]:
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip(" \t-•·")
        if piece:
            yield piece


def compliance_flags(*texts: str) -> list[ComplianceFlag]:
    """One flag per (sentence, ground), in the order of the text."""
    flags: list[ComplianceFlag] = []
    seen: set[tuple[str, str]] = set()
    for text in texts:
        for sentence in sentences(text):
            key = f" {normalise(sentence)} "
            for rule in RULES:
                if (sentence, rule.ground) in seen or not rule.pattern.search(key):
                    continue
                if rule.unless is not None and rule.unless.search(key):
                    continue
                seen.add((sentence, rule.ground))
                flags.append(
                    ComplianceFlag(
                        ground=rule.ground,
                        sentence=sentence[:MAX_SENTENCE],
                        article=rule.article,
                    )
                )
    return flags
