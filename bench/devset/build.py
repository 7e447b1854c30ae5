"""Writes the matcher's labelled dev set (needs.jsonl, candidates.jsonl, qrels.tsv, twins.tsv).

Hand-written Haute-Garonne trades, needs and profiles; relevance 0-3 per (need, candidate) is
graded by the rules in `grade` (same trade with two shared skills 3, same trade 2, a neighbour
trade 1, else 0). Incompatible candidates (consent expired or withdrawn, too far: X*) are added
on purpose; masculine/feminine (T*) and first-name (F*) twins must score the same.
Run: python bench/devset/build.py  (deterministic).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).parent
TRADES = {  # key: (need title, job forms (m, f), skills, neighbour trades)
    "macon": (
        "Maçon / Maçonne",
        ("Maçon", "Maçonne"),
        ["lecture de plans", "coulage de béton", "montage de murs", "coffrage"],
        ["coffreur"],
    ),
    "coffreur": (
        "Coffreur-bancheur / Coffreuse-bancheuse",
        ("Coffreur", "Coffreuse"),
        ["coffrage", "lecture de plans", "ferraillage"],
        ["macon"],
    ),
    "soignant": (
        "Aide-soignant / Aide-soignante en EHPAD",
        ("Aide-soignant", "Aide-soignante"),
        ["soins d'hygiène", "aide à la toilette", "transmissions"],
        ["advf", "ash"],
    ),
    "advf": (
        "Assistant / Assistante de vie aux familles",
        ("Assistant de vie aux familles", "Assistante de vie aux familles"),
        ["aide à la toilette", "préparation des repas", "entretien du logement"],
        ["soignant", "menage"],
    ),
    "ash": (
        "Agent / Agente de service hospitalier",
        ("Agent de service hospitalier", "Agente de service hospitalier"),
        ["bionettoyage", "entretien des locaux"],
        ["menage", "soignant"],
    ),
    "menage": (
        "Agent / Agente de propreté de locaux",
        ("Agent de propreté de locaux", "Agente de propreté de locaux"),
        ["entretien des locaux", "utilisation d'autolaveuse"],
        ["ash"],
    ),
    "cariste": (
        "Cariste",
        ("Cariste", "Cariste"),
        ["conduite de chariot élévateur", "CACES 3", "chargement de camions"],
        ["prepa"],
    ),
    "prepa": (
        "Préparateur / Préparatrice de commandes",
        ("Préparateur de commandes", "Préparatrice de commandes"),
        ["préparation de commandes", "scanner", "conduite de transpalette"],
        ["cariste"],
    ),
    "cuisine": (
        "Commis / Commise de cuisine",
        ("Commis de cuisine", "Commise de cuisine"),
        ["mise en place", "épluchage", "règles d'hygiène HACCP"],
        ["plonge", "cuisinier"],
    ),
    "cuisinier": (
        "Cuisinier / Cuisinière",
        ("Cuisinier", "Cuisinière"),
        ["préparation des plats", "règles d'hygiène HACCP", "gestion des stocks"],
        ["cuisine"],
    ),
    "plonge": (
        "Plongeur / Plongeuse en restauration",
        ("Plongeur", "Plongeuse"),
        ["lavage de la vaisselle", "entretien des locaux"],
        ["cuisine"],
    ),
    "serveur": (
        "Serveur / Serveuse en restauration",
        ("Serveur", "Serveuse"),
        ["service en salle", "encaissement", "accueil des clients"],
        ["cuisine"],
    ),
    "vendeur": (
        "Vendeur / Vendeuse en boulangerie-pâtisserie",
        ("Vendeur en boulangerie", "Vendeuse en boulangerie"),
        ["encaissement", "conseil client", "mise en rayon"],
        ["caisse"],
    ),
    "caisse": (
        "Hôte / Hôtesse de caisse",
        ("Hôte de caisse", "Hôtesse de caisse"),
        ["encaissement", "accueil des clients"],
        ["vendeur"],
    ),
    "paysagiste": (
        "Jardinier / Jardinière paysagiste",
        ("Jardinier paysagiste", "Jardinière paysagiste"),
        ["taille des haies", "tonte", "plantation"],
        [],
    ),
    "livreur": (
        "Chauffeur-livreur / Chauffeuse-livreuse",
        ("Chauffeur-livreur", "Chauffeuse-livreuse"),
        ["livraison", "conduite de véhicule utilitaire"],
        ["prepa"],
    ),
    "electricien": (
        "Electricien / Electricienne du bâtiment",
        ("Electricien du bâtiment", "Electricienne du bâtiment"),
        ["câblage", "lecture de schémas électriques", "habilitation électrique"],
        [],
    ),
    "peintre": (
        "Peintre en bâtiment",
        ("Peintre en bâtiment", "Peintre en bâtiment"),
        ["préparation des supports", "application de peinture", "pose de revêtements"],
        [],
    ),
}
COMMUNES = [
    "31555",
    "31069",
    "31149",
    "31395",
    "31557",
    "31044",
    "31113",
    "31424",
    "31232",
    "31107",
    "31033",
    "31582",
    "31483",
    "31451",
]
NAMES = ["Camille", "Mohamed", "Léa", "Kevin", "Fatima", "Jean", "Inès", "Lucas", "Aïcha", "Paul"]


def main() -> None:
    rnd = random.Random(31)  # noqa: S311 - a reproducible data set, not a secret
    needs, profiles, qrels = [], [], []
    keys = list(TRADES)
    for i in range(30):
        key = keys[i % len(keys)]
        title, _, skills, _ = TRADES[key]
        needs.append(
            {
                "need_id": f"N{i:02d}",
                "title": title,
                "employer_name": f"Employeur {i}",
                "description": f"Poste de {title.split(' / ')[0].lower()} pour une structure"
                " locale.",
                "skills": skills,
                "commune_insee": rnd.choice(COMMUNES[:10]),
                "contract_type": rnd.choice(["CDI", "CDD", "IAE"]),
                "hours_per_week": 35,
                "driving_licence_required": key in {"livreur", "paysagiste"} or i % 7 == 0,
                "schedules": ["day", "early_morning"]
                if key in {"menage", "cuisine"}
                else (["night"] if key == "soignant" and i % 2 else ["day"]),
                "open_to_beginners": key in {"prepa", "plonge", "menage", "vendeur"},
            }
        )
    for j in range(80):
        key = keys[j % len(keys)]
        _, forms, skills, _ = TRADES[key]
        n_skills = 1 + j % len(skills)
        profiles.append(
            {
                "candidate_id": f"C{j:02d}",
                "first_name": NAMES[j % len(NAMES)],
                "consent": {"granted_at": "2026-06-01", "expires_at": "2027-12-31"},
                "desired_jobs": [forms[j % 2]],
                "skills": skills[:n_skills],
                "experience": f"{j % 6} ans comme {forms[j % 2].lower()}"
                if j % 6
                else "Débutant·e",
                "commune_insee": rnd.choice(COMMUNES[:10]),
                "mobility_km": rnd.choice([10, 20, 30, 40]),
                "has_driving_licence": j % 3 != 0,
                "unavailable_schedules": ["night"] if j % 4 == 0 else [],
            }
        )
    # Twins: feminine/masculine forms, and the same profile under another first name.
    twins = []
    for j in (0, 2, 4, 6):
        base = profiles[j]
        _, forms, _, _ = TRADES[keys[j % len(keys)]]
        twin = {
            **base,
            "candidate_id": f"T{j:02d}",
            "desired_jobs": [forms[1 - j % 2]],
            "experience": base["experience"].replace(
                forms[j % 2].lower(), forms[1 - j % 2].lower()
            ),
        }
        twins.append(twin)
        twins.append({**base, "candidate_id": f"F{j:02d}", "first_name": "Dominique"})
    # Incompatible on purpose: consent expired / withdrawn, far away.
    twins.append(
        {
            **profiles[1],
            "candidate_id": "X01",
            "consent": {"granted_at": "2025-01-01", "expires_at": "2026-01-01"},
        }
    )
    twins.append(
        {
            **profiles[3],
            "candidate_id": "X03",
            "consent": {
                "granted_at": "2026-01-01",
                "expires_at": "2028-01-01",
                "withdrawn_at": "2026-10-01",
            },
        }
    )
    twins.append({**profiles[5], "candidate_id": "X05", "commune_insee": "31042", "mobility_km": 5})
    profiles += twins
    for need in needs:
        nkey = keys[int(need["need_id"][1:]) % len(keys)]
        for prof in profiles:
            pkey = keys[int(prof["candidate_id"][1:]) % len(keys)]
            rel = grade(nkey, pkey, need["skills"], prof["skills"])
            qrels.append((need["need_id"], prof["candidate_id"], rel))
    write(HERE / "needs.jsonl", needs)
    write(HERE / "candidates.jsonl", profiles)
    (HERE / "qrels.tsv").write_text("".join(f"{n}\t{c}\t{r}\n" for n, c, r in qrels))
    (HERE / "twins.tsv").write_text(
        "".join(f"C{j:02d}\tT{j:02d}\nC{j:02d}\tF{j:02d}\n" for j in (0, 2, 4, 6))
    )


def grade(nkey: str, pkey: str, need_skills: list[str], prof_skills: list[str]) -> int:
    if nkey == pkey:
        return 3 if len(set(need_skills) & set(prof_skills)) >= 2 else 2
    return 1 if pkey in TRADES[nkey][3] or nkey in TRADES[pkey][3] else 0


def write(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


if __name__ == "__main__":
    main()
