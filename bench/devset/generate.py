"""Writes the dev set from the hand-written phrasings (phrasings.py), with a fixed seed.

    .venv/bin/python bench/devset/generate.py [--communes ../shared/data/geo/communes_31.csv]

Outputs, beside this file: needs.jsonl, candidates.jsonl (the matcher's batch format),
qrels.tsv (every pair graded 1 or 2; any other pair is 0), forbidden.tsv (graded pairs that
fail a hard constraint on the evaluation date), twins.tsv and split.tsv.

Grades come only from which hand-written trade a phrasing was written under and from the
hand-written neighbour lists (GUIDE.md): same trade 2, a listed neighbour 1, else 0. The
combination (which phrasing, which commune, mobility, licence, schedules, consent) is drawn
with random.Random(SEED). The communes file is only read, to check that every code is real and
to compute the forbidden pairs with the project's own compatibility rules.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from phrasings import BEGINNER, FIRST_NAMES, TRADES, Trade  # noqa: E402

SEED = 17
AT = datetime(2026, 11, 27, 12, tzinfo=UTC)  # the evaluation date (consent, availability)
PROFILES_PER_TRADE = 16
TWO_TRADE_PROFILES = 40
DEFAULT_COMMUNES = HERE.parents[2] / "shared" / "data" / "geo" / "communes_31.csv"

# Where people live and where jobs are: the metropolis weighs most, the rest of the département
# is there so that distance matters. (INSEE code, weight.)
COMMUNES = [
    ("31555", 30), ("31149", 4), ("31557", 4), ("31069", 4), ("31395", 4), ("31424", 2),
    ("31157", 3), ("31044", 3), ("31113", 2), ("31446", 2), ("31506", 2), ("31187", 1),
    ("31561", 2), ("31483", 4), ("31116", 1), ("31488", 1), ("31588", 1), ("31547", 1),
    ("31033", 2), ("31291", 1), ("31499", 1), ("31433", 2), ("31451", 2), ("31232", 2),
    ("31202", 1), ("31254", 2), ("31490", 1), ("31582", 2), ("31584", 1), ("31107", 2),
    ("31135", 1), ("31042", 1), ("31390", 1), ("31454", 1), ("31523", 1), ("31396", 1),
    ("31239", 1), ("31106", 1),
]  # fmt: skip
# A place named in a need's description is where the job is.
PLACES = {
    "Muret": "31395", "Blagnac": "31069", "Labège": "31254", "Saint-Jory": "31490",
    "Revel": "31451", "Balma": "31044", "Portet": "31433", "Villefranche": "31582",
    "Cugnaux": "31157", "Tournefeuille": "31557", "Saint-Gaudens": "31483",
    "Luchon": "31042", "Villemur": "31584", "Frontonnais": "31202", "Colomiers": "31149",
    "Toulouse": "31555", "Capitole": "31555", "Comminges": "31483", "Lauragais": "31582",
    "Ramonville": "31446", "Grenade": "31232", "Fronton": "31202",
}  # fmt: skip
FEDERATIONS = ["BTP31", "CCI31", "GEIQ31", "CEI31", "UMIH31", "FEHAP31"]
CONTRACTS = ["CDI", "CDD", "INTERIM", "ALTERNANCE", "IAE"]
MOBILITY = [5, 10, 15, 20, 25, 30, 30, 40, 40, 50, 60, 80]
SCHEDULE_GAPS: list[list[str]] = [[], [], [], [], ["night"], ["weekend"], ["night", "weekend"],
                                  ["early_morning"], ["early_morning", "night"]]  # fmt: skip


def split(need_ids: list[str]) -> dict[str, str]:
    """Needs ordered by sha256 of their id: the first half dev, the rest heldout."""
    ranked = sorted(need_ids, key=lambda n: hashlib.sha256(n.encode()).hexdigest())
    return {n: "dev" if i < len(ranked) // 2 else "heldout" for i, n in enumerate(ranked)}


def read_communes(path: Path) -> dict[str, tuple[float, float]]:
    with path.open(encoding="utf-8") as f:
        return {
            r["code_insee"]: (float(r["latitude"]), float(r["longitude"]))
            for r in csv.DictReader(f)
        }


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (la1, lo1), (la2, lo2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def grade(need_trade: Trade, profile_trades: set[str]) -> int:
    if need_trade.key in profile_trades:
        return 2
    return 1 if profile_trades & set(need_trade.neighbours) else 0


class Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.profiles: list[tuple[dict[str, Any], set[str]]] = []
        self.twins: list[tuple[int, int]] = []

    def commune(self) -> str:
        codes, weights = zip(*COMMUNES, strict=True)
        return str(self.rng.choices(codes, weights)[0])

    def situation(self) -> dict[str, Any]:
        """Where the person lives and what they can do: drawn, never graded."""
        rng = self.rng
        granted = date(2026, 1, 5) + timedelta(days=rng.randrange(300))
        consent: dict[str, Any] = {
            "granted_at": granted.isoformat(),
            "expires_at": (granted + timedelta(days=730)).isoformat(),
        }
        roll = rng.random()
        if roll < 0.04:
            consent["withdrawn_at"] = "2026-11-02"
        elif roll < 0.08:
            consent["expires_at"] = "2026-10-31"
        return {
            "referent_id": f"R{rng.randrange(1, 31):02d}",
            "consent": consent,
            "commune_insee": self.commune(),
            "mobility_km": rng.choice(MOBILITY),
            "has_driving_licence": rng.random() < 0.68,
            "unavailable_schedules": rng.choice(SCHEDULE_GAPS),
            "available_from": (date(2026, 11, 1) + timedelta(days=rng.randrange(90))).isoformat(),
        }

    def wording(self, trade: Trade) -> tuple[list[str], str]:
        rng = self.rng
        if trade.vague and rng.random() < 0.12:
            title, exp = rng.choice(trade.vague)
            return [title], exp
        jobs = [rng.choice(trade.jobs)]
        if rng.random() < 0.15:
            jobs.append(rng.choice([j for j in trade.jobs if j != jobs[0]]))
        exp = rng.choice(BEGINNER) if rng.random() < 0.2 else rng.choice(trade.exps)
        return jobs, exp

    def add(self, jobs: list[str], exp: str, skills: list[str], trades: set[str],
            situation: dict[str, Any], name: str) -> int:  # fmt: skip
        self.profiles.append(
            (
                {
                    "first_name": name,
                    **situation,
                    "desired_jobs": jobs,
                    "experience": exp,
                    "skills": skills,
                },
                trades,
            )
        )
        return len(self.profiles) - 1

    def skills(self, trade: Trade) -> list[str]:
        return self.rng.sample(trade.skills, k=self.rng.randint(0, min(3, len(trade.skills))))

    def build(self) -> None:
        rng = self.rng
        for trade in TRADES:
            for _ in range(PROFILES_PER_TRADE if trade.needs else PROFILES_PER_TRADE // 2):
                jobs, exp = self.wording(trade)
                self.add(jobs, exp, self.skills(trade), {trade.key}, self.situation(),
                         rng.choice(FIRST_NAMES))  # fmt: skip
            # The vague wordings once each for sure (a title that says little).
            for title, exp in trade.vague:
                self.add([title], exp, [], {trade.key}, self.situation(), rng.choice(FIRST_NAMES))
            for a, b in trade.twins:
                situation, exp = self.situation(), rng.choice(trade.exps)
                skills = self.skills(trade)
                names = rng.sample(FIRST_NAMES, 2)
                i = self.add([a], exp, skills, {trade.key}, situation, names[0])
                j = self.add([b], exp, skills, {trade.key}, situation, names[1])
                self.twins.append((i, j))
        # First-name twins alone: same words, another name.
        for _ in range(12):
            trade = rng.choice(TRADES)
            jobs, exp = self.wording(trade)
            situation, skills, names = (
                self.situation(),
                self.skills(trade),
                rng.sample(FIRST_NAMES, 2),
            )
            i = self.add(jobs, exp, skills, {trade.key}, situation, names[0])
            j = self.add(list(jobs), exp, skills, {trade.key}, situation, names[1])
            self.twins.append((i, j))
        for _ in range(TWO_TRADE_PROFILES):
            t1, t2 = rng.sample(TRADES, 2)
            e1, e2 = rng.choice(t1.exps), rng.choice(t2.exps)
            exp = e1 if rng.random() < 0.5 else f"{e1} {e2}"
            self.add([rng.choice(t1.jobs), rng.choice(t2.jobs)], exp,
                     self.skills(t1)[:2] + self.skills(t2)[:1], {t1.key, t2.key},
                     self.situation(), rng.choice(FIRST_NAMES))  # fmt: skip


def need_rows(rng: random.Random) -> list[tuple[dict[str, Any], Trade]]:
    rows: list[tuple[dict[str, Any], Trade]] = []
    for trade in TRADES:
        for title, description, skills, schedules, licence, beginners in trade.needs:
            place = next((c for name, c in PLACES.items() if name in description), None)
            codes, weights = zip(*COMMUNES, strict=True)
            rows.append(
                (
                    {
                        "federation": rng.choice(FEDERATIONS),
                        "employer_name": f"Employeur {trade.family} {len(rows) + 1}",
                        "title": title,
                        "description": description,
                        "skills": skills.split(";"),
                        "commune_insee": place or rng.choices(codes, weights)[0],
                        "contract_type": rng.choice(CONTRACTS),
                        "hours_per_week": rng.choice([24, 28, 30, 35, 35, 35, 39]),
                        "positions": rng.randint(1, 4),
                        "driving_licence_required": licence,
                        "schedules": schedules.split(),
                        "start_date": (
                            date(2026, 12, 1) + timedelta(days=rng.randrange(60))
                        ).isoformat(),
                        "open_to_beginners": beginners,
                    },
                    trade,
                )
            )
    return rows


def compatible(
    need: dict[str, Any], profile: dict[str, Any], where: dict[str, tuple[float, float]]
) -> bool:
    """DOMAIN.md's hard constraints, to list the forbidden pairs (the evaluation re-checks them
    with services/matcher/domain/compatibility.py and reports any difference)."""
    consent = profile["consent"]
    start = datetime.fromisoformat(consent["granted_at"]).replace(tzinfo=UTC)
    end = datetime.fromisoformat(consent["expires_at"]).replace(tzinfo=UTC)
    if consent.get("withdrawn_at") or not start <= AT < end:
        return False
    if km(where[need["commune_insee"]], where[profile["commune_insee"]]) > profile["mobility_km"]:
        return False
    if need["driving_licence_required"] and not profile["has_driving_licence"]:
        return False
    return not set(need["schedules"]) & set(profile["unavailable_schedules"])


def main(communes_file: Path) -> None:
    where = read_communes(communes_file)
    rng = random.Random(SEED)  # noqa: S311 - a reproducible draw, not a secret
    needs = need_rows(rng)
    builder = Builder(rng)
    builder.build()
    order = list(range(len(builder.profiles)))
    rng.shuffle(order)  # ids in random order: nothing to learn from an id
    cid = {old: f"C{new + 1:04d}" for new, old in enumerate(order)}
    nid = [f"N{i + 1:03d}" for i in range(len(needs))]
    for code in [n["commune_insee"] for n, _ in needs] + [
        p["commune_insee"] for p, _ in builder.profiles
    ]:
        if code not in where:
            raise SystemExit(f"unknown commune {code}")
    with (HERE / "needs.jsonl").open("w", encoding="utf-8") as f:
        for i, (need, _) in enumerate(needs):
            f.write(json.dumps({"need_id": nid[i], **need}, ensure_ascii=False) + "\n")
    rows = sorted(((cid[i], p) for i, (p, _) in enumerate(builder.profiles)), key=lambda r: r[0])
    with (HERE / "candidates.jsonl").open("w", encoding="utf-8") as f:
        for candidate_id, profile in rows:
            f.write(
                json.dumps({"candidate_id": candidate_id, **profile}, ensure_ascii=False) + "\n"
            )
    qrels, forbidden = [], []
    for i, (need, trade) in enumerate(needs):
        for j, (profile, trades) in sorted(enumerate(builder.profiles), key=lambda x: cid[x[0]]):
            g = grade(trade, trades)
            if g:
                qrels.append(f"{nid[i]}\t{cid[j]}\t{g}\n")
                if not compatible(need, profile, where):
                    forbidden.append(f"{nid[i]}\t{cid[j]}\t{g}\n")
    (HERE / "qrels.tsv").write_text("".join(qrels), encoding="utf-8")
    (HERE / "forbidden.tsv").write_text("".join(forbidden), encoding="utf-8")
    (HERE / "twins.tsv").write_text(
        "".join(f"{cid[a]}\t{cid[b]}\n" for a, b in builder.twins), encoding="utf-8"
    )
    halves = split(nid)
    (HERE / "split.tsv").write_text("".join(f"{n}\t{halves[n]}\n" for n in nid), encoding="utf-8")
    dev = sum(h == "dev" for h in halves.values())
    print(
        f"{len(needs)} needs ({dev} dev, {len(nid) - dev} heldout), "
        f"{len(builder.profiles)} profiles, "
        f"{len(qrels)} graded pairs, {len(forbidden)} forbidden, {len(builder.twins)} twin pairs"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=Path, default=DEFAULT_COMMUNES)
    main(parser.parse_args().communes)
