"""Matcher benchmark (a script, not a test): indexing rate, need → proposals latency, memory.

    .venv/bin/python bench/matcher_bench.py [--sizes 10000,100000] [--embedder NAME]

1. Indexing: N synthetic profiles through `Pipeline.index_profiles` (real embedder, batches of
   256, upsert into Qdrant Edge): profiles/s.
2. Ranking: the index filled to each size with synthetic profiles (vectors of a pool of
   really-embedded texts, jittered), HNSW built by `optimize()`, then `rank_for_need` for
   random needs: p50 / p99 ms. Peak RSS at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.matcher.adapters.edge_index import EdgeIndex
from services.matcher.adapters.embedder import build_embedder
from services.matcher.domain.model import Consent, Need, Profile
from services.matcher.domain.ports import PROFILES, Point
from services.matcher.domain.rome import RomeResolver
from services.matcher.domain.text import TextEngine
from services.matcher.entrypoints.cli import load_referential
from services.matcher.pipeline import Pipeline, point_id

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
JOBS = [
    "Maçon",
    "Maçonne",
    "Aide-soignante",
    "Cariste",
    "Préparateur de commandes",
    "Serveuse",
    "Cuisinier",
    "Agent de propreté de locaux",
    "Vendeuse en boulangerie",
    "Plombier",
    "Electricienne du bâtiment",
    "Chauffeur-livreur",
    "Jardinier paysagiste",
    "Peintre",
]
SKILLS = [
    "lecture de plans",
    "coffrage",
    "soins d'hygiène",
    "encaissement",
    "CACES 3",
    "règles d'hygiène HACCP",
    "conduite de chariot",
    "accueil des clients",
    "câblage",
]


def profile(rnd: random.Random, i: int, communes: list[str]) -> Profile:
    job = rnd.choice(JOBS)
    return Profile(
        candidate_id=point_id(f"bench-{i}"),
        version=1,
        consent=Consent(NOW - timedelta(days=10), NOW + timedelta(days=rnd.randint(1, 700))),
        desired_jobs=(job,),
        commune_insee=rnd.choice(communes),
        mobility_km=rnd.choice([5, 10, 20, 30, 50]),
        experience=f"{rnd.randint(0, 9)} ans comme {job.lower()}",
        skills=tuple(rnd.sample(SKILLS, 2)),
        has_driving_licence=rnd.random() < 0.6,
        unavailable_schedules=frozenset(
            rnd.sample(["night", "weekend", "early_morning"], rnd.randint(0, 2))
        ),
        routing={"referent_id": point_id(f"r{i % 150}"), "structure": "CD31"},
    )


def need(rnd: random.Random, i: int, communes: list[str]) -> Need:
    return Need(
        need_id=point_id(f"need-{i}"),
        version=1,
        title=rnd.choice(JOBS),
        commune_insee=rnd.choice(communes),
        skills=tuple(rnd.sample(SKILLS, 3)),
        driving_licence_required=rnd.random() < 0.3,
        schedules=frozenset(rnd.sample(["day", "night", "weekend"], 1)),
    )


async def main(sizes: list[int], model: str | None, n_index: int, n_queries: int) -> None:
    snapshot = await load_referential(None, None, use_db=False)
    communes = sorted(snapshot.communes)
    embedder = build_embedder(model)
    resolver = RomeResolver(snapshot)
    rnd = random.Random(5)  # noqa: S311 - synthetic data
    print(f"model {embedder.name}, dim {embedder.dim}")
    with tempfile.TemporaryDirectory() as tmp:
        index = EdgeIndex(Path(tmp) / "warm")
        await index.ensure(embedder.dim)
        pipe = Pipeline(
            index=index, embedder=embedder, text=TextEngine(embedder, snapshot), resolver=resolver
        )
        batch = [profile(rnd, i, communes) for i in range(n_index)]
        await pipe.index_profiles(batch[:64], at=NOW)
        t = time.perf_counter()
        for s in range(0, n_index, 256):
            await pipe.index_profiles(batch[s : s + 256], at=NOW)
        rate = n_index / (time.perf_counter() - t)
        print(
            f"indexing (embed + sparse + upsert, batches of 256): {rate:.0f} profiles/s"
            f" over {n_index}"
        )
        texts = [pipe.profile_text(p) for p in batch[:512]]
        raw_t = time.perf_counter()
        embedder.encode(texts, kind="passage")
        print(f"raw encode of 512 texts: {512 / (time.perf_counter() - raw_t):.0f} texts/s")
        await index.close()
        pool_vecs = await pipe.vectors(texts)
        for size in sizes:
            index = EdgeIndex(Path(tmp) / f"s{size}")
            await index.ensure(embedder.dim)
            pipe.index = index
            t = time.perf_counter()
            for s in range(0, size, 2000):
                points = []
                for i in range(s, min(size, s + 2000)):
                    p = profile(rnd, 10**7 + i, communes)
                    v = pool_vecs[i % len(pool_vecs)]
                    dense = (
                        np.asarray(v.dense) + np.random.default_rng(i).normal(0, 0.02, embedder.dim)
                    ).tolist()
                    points.append(Point(p.candidate_id, dense, v.sparse, pipe_payload(pipe, p)))
                await index.upsert(PROFILES, points)
            load = time.perf_counter() - t
            t = time.perf_counter()
            await index.optimize()
            built = time.perf_counter() - t
            lat = []
            for q in range(n_queries):
                n = need(rnd, q, communes)
                t = time.perf_counter()
                await pipe.rank_for_need(n, at=NOW)
                lat.append((time.perf_counter() - t) * 1000)
            lat.sort()
            p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))]
            print(
                f"{size:>8} profiles: load {load:.1f} s, HNSW build {built:.1f} s,"
                f" need → proposals p50 {statistics.median(lat):.1f} ms, p99 {p99:.1f} ms"
                f" ({n_queries} needs, embed included)"
            )
            await index.close()
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def pipe_payload(pipe: Pipeline, p: Profile) -> dict[str, object]:
    from services.matcher.adapters.index_payload import encode_doc
    from services.matcher.domain.model import profile_to_dict

    commune = pipe.resolver.snapshot.communes[p.commune_insee]
    assert p.consent is not None
    return {
        "doc": encode_doc(profile_to_dict(p)),
        "location": {"lat": commune.latitude, "lon": commune.longitude},
        "mobility_km": p.mobility_km,
        "licence": int(p.has_driving_licence),
        "unavailable": sorted(p.unavailable_schedules),
        "consent_expires_at": p.consent.expires_at.timestamp(),
        "consent_granted_at": p.consent.granted_at.timestamp(),
        "rome_codes": list(pipe.profile_codes(p)),
        "version": 1,
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--embedder", default=None)
    ap.add_argument("--index-count", type=int, default=2000)
    ap.add_argument("--queries", type=int, default=200)
    a = ap.parse_args()
    asyncio.run(main([int(s) for s in a.sizes.split(",")], a.embedder, a.index_count, a.queries))
