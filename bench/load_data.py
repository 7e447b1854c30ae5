"""Synthetic, Haute-Garonne-like needs and profiles for the load benchmark.

Twenty trades the SPIE places most (building, logistics, cleaning, catering, care, retail,
transport, industry), communes drawn by population from `../shared/data/geo/communes_31.csv`
(read from there, never copied), mobility, licence and schedules varied, and profiles spread
over several référents: a need then fits a few hundred profiles, not every profile in the
index, as in the département. Deterministic: profile `i` is always the same person, and its
update `n` changes only what a référent would edit.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

COMMUNES = Path(__file__).resolve().parents[2] / "shared" / "data" / "geo" / "communes_31.csv"

# (title an employer writes, how a person names the job they want, the trade's skills)
TRADES: list[tuple[str, str, list[str]]] = [
    ("Maçon / Maçonne", "Maçon", ["lecture de plans", "montage de murs", "coulage de béton"]),
    ("Coffreur / Coffreuse", "Coffreur bancheur", ["coffrage", "lecture de plans", "ferraillage"]),
    (
        "Électricien / Électricienne du bâtiment",
        "Électricienne",
        ["câblage", "habilitation électrique", "lecture de schémas"],
    ),
    (
        "Plombier / Plombière",
        "Plombier chauffagiste",
        ["soudure cuivre", "pose de sanitaires", "lecture de plans"],
    ),
    ("Peintre en bâtiment", "Peintre", ["préparation des supports", "pose d'enduits", "peinture"]),
    ("Manœuvre du BTP", "Manœuvre", ["port de charges", "nettoyage de chantier", "manutention"]),
    (
        "Préparateur / Préparatrice de commandes",
        "Préparatrice de commandes",
        ["préparation de commandes", "lecture d'étiquettes", "CACES 1"],
    ),
    ("Cariste", "Cariste", ["conduite de chariot", "CACES 3", "gestion des stocks"]),
    (
        "Magasinier / Magasinière",
        "Magasinière",
        ["réception de marchandises", "inventaire", "gestion des stocks"],
    ),
    (
        "Agent / Agente de propreté",
        "Agente de propreté",
        ["nettoyage des locaux", "produits d'entretien", "autolaveuse"],
    ),
    ("Serveur / Serveuse", "Serveuse", ["service en salle", "accueil des clients", "encaissement"]),
    (
        "Commis de cuisine",
        "Commis de cuisine",
        ["règles d'hygiène HACCP", "préparations froides", "épluchage"],
    ),
    ("Plongeur / Plongeuse", "Plongeur", ["plonge", "règles d'hygiène HACCP", "rangement"]),
    (
        "Aide à domicile",
        "Aide à domicile",
        ["entretien du logement", "aide aux repas", "accompagnement"],
    ),
    (
        "Aide-soignant / Aide-soignante",
        "Aide-soignante",
        ["soins d'hygiène", "transferts", "observation du patient"],
    ),
    (
        "Vendeur / Vendeuse en boulangerie",
        "Vendeuse en boulangerie",
        ["encaissement", "accueil des clients", "mise en rayon"],
    ),
    (
        "Employé / Employée de libre-service",
        "Employé de libre-service",
        ["mise en rayon", "étiquetage", "gestion des stocks"],
    ),
    (
        "Chauffeur-livreur / Chauffeuse-livreuse",
        "Chauffeur livreur",
        ["conduite de véhicule utilitaire", "livraison", "port de charges"],
    ),
    (
        "Jardinier / Jardinière paysagiste",
        "Jardinier paysagiste",
        ["taille des végétaux", "tonte", "entretien des espaces verts"],
    ),
    (
        "Opérateur / Opératrice de production",
        "Opératrice de production",
        ["conduite de ligne", "contrôle qualité", "travail en équipe"],
    ),
]
SCHEDULES = ["early_morning", "night", "weekend"]


@cache
def communes() -> tuple[list[str], list[int]]:
    """INSEE codes and populations: people and employers live where the département lives."""
    with COMMUNES.open(newline="", encoding="utf-8") as f:
        rows = [(r["code_insee"], int(r["population"] or 0)) for r in csv.DictReader(f)]
    return [c for c, _ in rows], [max(p, 1) for _, p in rows]


def _commune(rnd: random.Random) -> str:
    codes, weights = communes()
    return rnd.choices(codes, weights)[0]


def _rng(seed: object) -> random.Random:
    return random.Random(str(seed))  # noqa: S311 - synthetic data, reproducible on purpose


def profile_body(i: int, update: int = 0) -> dict[str, Any]:
    """Profile `i` (same person at every call); `update` > 0: a later version of it."""
    rnd = _rng(i)
    _, job, skills = rnd.choice(TRADES)
    years = rnd.randint(0, 12)
    body: dict[str, Any] = {
        "first_name": rnd.choice(["Lina", "Karim", "Sofia", "Yanis", "Inès", "Lucas"]),
        "desired_jobs": [job],
        "commune_insee": _commune(rnd),
        "experience": f"{years} ans comme {job.lower()}." if years else "Débutant, motivé.",
        "skills": rnd.sample(skills, rnd.randint(1, len(skills))),
        "mobility_km": rnd.choice([5, 10, 15, 20, 30, 50]),
        "has_driving_licence": rnd.random() < 0.6,
        "unavailable_schedules": rnd.sample(SCHEDULES, rnd.choice([0, 0, 1, 2])),
        "consent": {
            "purposes": ["matching"],
            "expires_at": (datetime.now(UTC) + timedelta(days=rnd.randint(60, 700))).isoformat(),
        },
    }
    if update:  # what a référent edits: the experience, sometimes how far the person can go
        body.pop("consent")
        body["experience"] += f" Point du suivi n° {update}."
        body["mobility_km"] = _rng(update).choice([body["mobility_km"], 20, 30])
    return body


def need_body(run: str, n: int) -> dict[str, Any]:
    rnd = _rng(f"{run}-{n}")
    title, _, skills = rnd.choice(TRADES)
    return {
        "employer_name": f"Entreprise {n % 500} {run}",
        "title": title,
        "siret": f"{(int(run, 16) * 1000 + n) % 10**14:014d}",
        "description": f"{title} dans une équipe de {rnd.randint(2, 40)} personnes.",
        "skills": rnd.sample(skills, rnd.randint(1, len(skills))),
        "commune_insee": _commune(rnd),
        "contract_type": rnd.choice(["CDI", "CDD", "INTERIM", "IAE"]),
        "hours_per_week": rnd.choice([20, 24, 28, 35, 35, 35, 39]),
        "driving_licence_required": rnd.random() < 0.3,
        "schedules": [rnd.choices(["day", "early_morning", "night", "weekend"], [7, 1, 1, 1])[0]],
        "open_to_beginners": rnd.random() < 0.3,
    }


def burst_csv(run: str, first: int, n: int) -> str:
    """A federation's import file of `n` needs (`need_body(run, first + i)`, each with its own
    external_ref), as POST /needs/bulk reads it: the CSV burst of a département's real day."""
    out = io.StringIO()
    columns = [
        "external_ref", "employer_name", "siret", "title", "description", "skills",
        "commune_insee", "contract_type", "hours_per_week", "driving_licence_required",
        "schedules", "open_to_beginners",
    ]  # fmt: skip
    writer = csv.DictWriter(out, columns, delimiter=";", lineterminator="\n")
    writer.writeheader()
    for i in range(n):
        body = need_body(run, first + i)
        writer.writerow(
            {
                **{c: body[c] for c in columns if c in body and not isinstance(body[c], list)},
                "external_ref": f"burst-{run}-{first + i}",
                "skills": "|".join(body["skills"]),
                "schedules": "|".join(body["schedules"]),
                "driving_licence_required": "oui" if body["driving_licence_required"] else "non",
                "open_to_beginners": "oui" if body["open_to_beginners"] else "non",
            }
        )
    return out.getvalue()
