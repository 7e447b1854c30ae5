"""nDCG@10 of the matcher on its dev set, and the checks that must always hold.

    .venv/bin/python bench/devset_eval.py [--embedder fake] [--threshold 0.35]

Runs the same pipeline as `rank-candidates` (temporary embedded index) as of 2026-11-27;
the ideal ranking of each need counts only its compatible candidates. Prints nDCG@10, the
number of incompatible pairs returned (must be 0) and the twins whose scores differ (must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.matcher.adapters.edge_index import EdgeIndex
from services.matcher.adapters.embedder import build_embedder
from services.matcher.domain import compatibility
from services.matcher.domain.rome import RomeResolver
from services.matcher.domain.text import TextEngine
from services.matcher.entrypoints.cli import load_referential
from services.matcher.entrypoints.jsonl import read_needs, read_profiles
from services.matcher.pipeline import Pipeline, Settings

DEVSET = Path(__file__).parent / "devset"
AT = datetime(2026, 11, 27, 12, tzinfo=UTC)


def dcg(gains: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


async def main(embedder_name: str | None, threshold: float) -> None:
    needs, profiles = read_needs(DEVSET / "needs.jsonl"), read_profiles(DEVSET / "candidates.jsonl")
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for line in (DEVSET / "qrels.tsv").read_text().splitlines():
        n, c, r = line.split("\t")
        qrels[n][c] = int(r)
    twins = [tuple(line.split("\t")) for line in (DEVSET / "twins.tsv").read_text().splitlines()]
    snapshot = await load_referential(None, None, use_db=False)
    embedder = build_embedder(embedder_name)
    resolver = RomeResolver(snapshot)
    with tempfile.TemporaryDirectory() as tmp:
        index = EdgeIndex(Path(tmp))
        await index.ensure(embedder.dim)
        pipeline = Pipeline(
            index=index,
            embedder=embedder,
            text=TextEngine(embedder, snapshot),
            resolver=resolver,
            settings=Settings(top_k=100, threshold=threshold),
        )
        await pipeline.index_profiles(profiles, at=AT)
        ndcgs, bad, twin_gaps = [], 0, 0
        for need in needs:
            ranking = await pipeline.rank_for_need(need, at=AT)
            scores = {p.profile.candidate_id: p.score for p in ranking}
            bad += sum(
                not compatibility.compatible(need, p.profile, at=AT, distance_km=pipeline.distance)
                for p in ranking
            )
            bad += sum(cid.startswith("X") for cid in scores)
            ok = [
                p
                for p in profiles
                if compatibility.compatible(need, p, at=AT, distance_km=pipeline.distance)
            ]
            ideal = sorted((qrels[need.need_id][p.candidate_id] for p in ok), reverse=True)[:10]
            got = [qrels[need.need_id][p.profile.candidate_id] for p in ranking[:10]]
            if dcg(ideal) > 0:
                ndcgs.append(dcg(got) / dcg(ideal))
            twin_gaps += sum(
                1
                for a, b in twins
                if (a in scores or b in scores) and scores.get(a) != scores.get(b)
            )
        await index.close()
    print(f"model                {pipeline.model_version}")
    print(f"needs / profiles     {len(needs)} / {len(profiles)}")
    print(f"threshold            {threshold}")
    print(f"nDCG@10              {sum(ndcgs) / len(ndcgs):.4f}  (over {len(ndcgs)} needs)")
    print(f"incompatible pairs   {bad}")
    print(f"twins scored apart   {twin_gaps}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedder", default=None)
    parser.add_argument("--threshold", type=float, default=Settings().threshold)
    args = parser.parse_args()
    asyncio.run(main(args.embedder, args.threshold))
