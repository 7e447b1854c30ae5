"""MELO France fr→fr with the `rank-texts` engine: MRR (trec_eval recip_rank), R@1, R@10, time.

    .venv/bin/python bench/melo.py                      # from scratch (a few minutes on 2 cores)
    .venv/bin/python bench/melo.py --cache .cache/embeddings --no-rome
    .venv/bin/python bench/melo.py --cache .cache/embeddings --weights '{"crosswalk": 0}'

The queries are split in two halves by a hash of their id ("A", "B") so that a weight chosen
on one half can be checked on the other. MELO is a test set: nothing here learns from it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.matcher.domain.text import Weights  # noqa: E402
from services.matcher.entrypoints.texts_io import build_engine, read_pairs  # noqa: E402

MELO = REPO.parent / "shared" / "data" / "melo" / "fra_q_fr_c_fr"


def half(query_id: str) -> str:
    return "A" if hashlib.sha256(query_id.encode()).digest()[0] % 2 == 0 else "B"


def qrels(path: Path) -> dict[str, set[str]]:
    relevant: dict[str, set[str]] = defaultdict(set)
    for line in path.read_text(encoding="utf-8").splitlines():
        qid, _, doc, grade = line.split("\t")
        if int(grade) > 0:
            relevant[qid].add(doc)
    return relevant


def first_relevant(found: list[tuple[str, float]], relevant: set[str]) -> int | None:
    # trec_eval orders by score, then by docno descending; the printed rank is ignored.
    ordered = sorted(found, key=lambda p: (round(p[1], 6), p[0]), reverse=True)
    return next((r for r, (doc, _) in enumerate(ordered, 1) if doc in relevant), None)


def report(ranks: dict[str, int | None], only: str | None = None) -> dict[str, float]:
    chosen = [r for q, r in ranks.items() if only is None or half(q) == only]
    n = len(chosen)
    return {
        "queries": n,
        "MRR": sum(1 / r for r in chosen if r) / n,
        "R@1": sum(1 for r in chosen if r == 1) / n,
        "R@10": sum(1 for r in chosen if r and r <= 10) / n,
    }


def score_run(run: Path, data: Path) -> None:
    """MRR of a saved `rank-texts` output (query TAB doc TAB rank TAB score)."""
    found: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for line in run.read_text(encoding="utf-8").splitlines():
        qid, doc, _, score = line.split("\t")
        found[qid].append((doc, float(score)))
    relevant = qrels(data / "annotations.tsv")
    ranks = {
        qid: first_relevant(found.get(qid, []), relevant[qid])
        for qid, _ in read_pairs(data / "queries.tsv")
    }
    print_report(ranks)


def print_report(ranks: dict[str, int | None]) -> None:
    for label, only in (("all", None), ("half A", "A"), ("half B", "B")):
        r = report(ranks, only)
        print(
            f"{label:7s} n={r['queries']:5d}  MRR {r['MRR']:.4f}  R@1 {r['R@1']:.4f}"
            f"  R@10 {r['R@10']:.4f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=MELO)
    parser.add_argument("--embedder", default=None)
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache folder")
    parser.add_argument("--no-rome", action="store_true")
    parser.add_argument("--weights", default="{}", help="JSON overrides of Weights fields")
    parser.add_argument("--top-k", type=int, default=1000)  # trec_eval's default depth
    parser.add_argument("--run", type=Path, help="score this rank-texts output instead")
    args = parser.parse_args()
    if args.run:
        score_run(args.run, args.data)
        return

    started = time.perf_counter()
    engine = build_engine(args.embedder, None, args.cache, use_rome=not args.no_rome)
    engine.weights = Weights(**{**Weights().as_dict(), **json.loads(args.weights)})
    corpus, queries = (
        read_pairs(args.data / "corpus_elements.tsv"),
        read_pairs(args.data / "queries.tsv"),
    )
    # The corpus ids are opaque here, as in rank-texts: no structure is read from them.
    engine.fit_corpus([i for i, _ in corpus], [t for _, t in corpus])
    fitted = time.perf_counter()
    ranking = engine.rank([t for _, t in queries], args.top_k)
    ranked = time.perf_counter()
    relevant = qrels(args.data / "annotations.tsv")
    ranks = {
        qid: first_relevant(found, relevant[qid])
        for (qid, _), found in zip(queries, ranking, strict=True)
    }
    print(f"engine: {engine.embedder.name}, rome={'off' if engine.rome is None else 'on'}")
    print(f"weights: {json.dumps(engine.weights.as_dict())}")
    print_report(ranks)
    print(
        f"time: setup+fit {fitted - started:.1f} s, rank {ranked - fitted:.1f} s"
        f" ({1000 * (ranked - fitted) / len(queries):.1f} ms/query), total {ranked - started:.1f} s"
    )


if __name__ == "__main__":
    main()
