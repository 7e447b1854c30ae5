"""Sentences that select on a forbidden ground are flagged; ordinary job ads are not."""

from __future__ import annotations

import pytest

from services.employer_intake.domain.compliance import compliance_flags

FLAGGED = [
    ("Homme uniquement.", "sex"),
    ("Poste réservé aux hommes", "sex"),
    ("Femme exclusivement, pour un public féminin.", "sex"),
    ("Candidat de sexe masculin", "sex"),
    ("Nous recherchons une femme pour l'accueil.", "sex"),
    ("Profil masculin souhaité", "sex"),
    ("Femmes s'abstenir : travail physique", "sex"),
    ("Pas de femmes sur ce chantier", "sex"),
    ("Uniquement des hommes, chantier difficile", "sex"),
    ("Pas de projet de grossesse dans l'année", "sex"),
    ("Moins de 30 ans.", "age"),
    ("Candidat âgé de 25 à 35 ans", "age"),
    ("Entre 25 et 40 ans", "age"),
    ("Jeune de moins de 26 ans", "age"),
    ("45 ans maximum", "age"),
    ("Senior exclu", "age"),
    ("Pas de seniors", "age"),
    ("Âge maximum : 50 ans", "age"),
    ("Limite d'âge 55 ans", "age"),
    ("Rejoignez une équipe qui cherche un profil jeune et dynamique", "age"),
    ("Sans enfants de préférence.", "family_situation"),
    ("Célibataire, disponible les week-ends", "family_situation"),
    ("Pas de contraintes familiales", "family_situation"),
    ("Situation familiale à préciser dans la candidature", "family_situation"),
    ("Pas de mère de famille", "family_situation"),
    ("Candidat d'origine française", "origin"),
    ("Personne de type européen pour le contact clientèle", "origin"),
    ("Français langue maternelle exigé", "origin"),
    ("Étrangers s'abstenir", "origin"),
    ("Français de souche", "origin"),
    ("En bonne santé", "health"),
    ("Pas de handicap.", "health"),
    ("Sans RQTH", "health"),
    ("Aucun problème de santé", "health"),
    ("Bonne constitution physique exigée", "health"),
    ("Non-fumeur impératif", "health"),
]

NOT_FLAGGED = [
    "Maçon H/F",
    "Maçon / Maçonne",
    "Aide-soignant F/H en EHPAD",
    "Homme / Femme d'entretien",
    "Recherchons une femme de ménage pour un hôtel",
    "Poste ouvert aux femmes et aux hommes",
    "Plus de 5 ans d'expérience en maçonnerie",
    "Expérience de moins de 2 ans acceptée",
    "Entre 10 et 15 ans d'expérience",
    "Contrat de 35 heures, du lundi au vendredi",
    "Permis B exigé, véhicule de service fourni",
    "Débutants acceptés, formation assurée",
    "Vente de produits d'origine française et locale",
    "Viande d'origine contrôlée",
    "Nationalité française exigée pour ce poste de la fonction publique",
    "Titre de séjour en cours de validité",
    "Poste accessible aux personnes en situation de handicap",
    "RQTH bienvenue",
    "Port de charges lourdes, travail en extérieur",
    "Équipe jeune et sympathique, ambiance familiale",
    "Entreprise familiale depuis 1950",
    "Travail de nuit, majoration de 25 %",
    "Mutuelle prise en charge à 50 %, 13e mois",
    "Garde d'enfants à domicile après l'école",
    "Chef / Cheffe de chantier",
    "Serveur / Serveuse en restauration",
    "Public accueilli : jeunes de la mission locale",
    "Accompagnement de personnes âgées à domicile",
    "Vous travaillerez avec une équipe de 12 personnes",
    "Sans expérience, nous vous formons",
]


@pytest.mark.parametrize(("sentence", "ground"), FLAGGED)
def test_a_sentence_that_selects_on_a_forbidden_ground_is_flagged_with_that_ground(
    sentence: str, ground: str
) -> None:
    flags = compliance_flags(f"Chantier à Muret.\n{sentence}\nDémarrage rapide.")
    assert [(f.ground, f.sentence) for f in flags] == [(ground, sentence)]


@pytest.mark.parametrize("sentence", NOT_FLAGGED)
def test_an_ordinary_sentence_is_not_flagged(sentence: str) -> None:
    assert compliance_flags(sentence) == []


def test_sex_is_flagged_under_l1142_1_and_other_grounds_under_l1132_1() -> None:
    flags = compliance_flags("Homme uniquement. Moins de 30 ans.")
    assert [(f.ground, f.article) for f in flags] == [("sex", "L1142-1"), ("age", "L1132-1")]


def test_every_text_of_the_need_is_read_and_each_sentence_flagged_once() -> None:
    flags = compliance_flags("Maçon H/F", "Homme uniquement, homme exclusivement.", "")
    assert [f.sentence for f in flags] == ["Homme uniquement, homme exclusivement."]
