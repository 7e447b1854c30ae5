"""What the portal says about a compliance flag: the article of the Code du travail in plain
words, and how to say the same need without selecting on the ground (compliance.py flags)."""

from __future__ import annotations

from typing import NamedTuple

from shared.contracts import ComplianceFlag


class Advice(NamedTuple):
    ground: str
    article: str
    law: str
    rewording: str


# Read after "en raison …".
GROUNDS = {
    "sex": "du sexe",
    "age": "de l'âge",
    "family_situation": "de la situation de famille",
    "origin": "de l'origine",
    "health": "de l'état de santé ou du handicap",
    "other": "d'un motif interdit",
}
LAW = {
    "L1142-1": "Article L1142-1 du Code du travail : nul ne peut mentionner dans une offre"
    " d'emploi le sexe ou la situation de famille du candidat recherché.",
    "L1132-1": "Article L1132-1 du Code du travail : aucune personne ne peut être écartée d'un"
    " recrutement en raison de son origine, de son sexe, de son âge, de sa situation de famille,"
    " de son état de santé ou de son handicap.",
}
REWORDING = {
    "sex": "Décrivez le poste, pas la personne : « Maçon / Maçonne (H/F) », « port de charges"
    " jusqu'à 25 kg ».",
    "age": "Décrivez l'expérience ou la formation attendue : « débutant accepté », « deux ans"
    " d'expérience en maçonnerie ».",
    "family_situation": "Décrivez les contraintes du poste : « horaires décalés », « déplacements"
    " du lundi au vendredi ».",
    "origin": "Décrivez le niveau de langue utile au poste : « français courant à l'oral pour les"
    " consignes de sécurité ».",
    "health": "Décrivez les conditions de travail : « travail en hauteur », « station debout » ;"
    " l'aptitude au poste relève de la médecine du travail.",
    "other": "Décrivez ce que le poste demande, pas qui l'occupe.",
}


def advice(flag: ComplianceFlag) -> Advice:
    return Advice(
        ground=GROUNDS.get(flag.ground, GROUNDS["other"]),
        article=flag.article,
        law=LAW.get(flag.article, LAW["L1132-1"]),
        rewording=REWORDING.get(flag.ground, REWORDING["other"]),
    )
