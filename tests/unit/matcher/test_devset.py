"""The dev set's files hold together: sizes, ids, grades, forbidden pairs, twins and the split."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

from services.matcher.entrypoints.jsonl import read_needs, read_profiles

DEVSET = Path(__file__).resolve().parents[3] / "bench" / "devset"


def _tsv(name: str) -> list[list[str]]:
    return [line.split("\t") for line in (DEVSET / name).read_text().splitlines() if line]


def test_the_set_is_big_enough_and_read_by_the_batch_reader() -> None:
    needs = read_needs(DEVSET / "needs.jsonl")
    profiles = read_profiles(DEVSET / "candidates.jsonl")
    assert len(needs) >= 60 and len(profiles) >= 600
    assert len({n.need_id for n in needs}) == len(needs)
    assert len({p.candidate_id for p in profiles}) == len(profiles)


def test_grades_forbidden_pairs_and_split_name_known_ids() -> None:
    needs = {n.need_id for n in read_needs(DEVSET / "needs.jsonl")}
    profiles = {p.candidate_id for p in read_profiles(DEVSET / "candidates.jsonl")}
    graded = {(n, c): int(g) for n, c, g in _tsv("qrels.tsv")}
    assert all(n in needs and c in profiles and g in (1, 2) for (n, c), g in graded.items())
    assert all(graded.get((n, c)) == int(g) for n, c, g in _tsv("forbidden.tsv"))
    halves = dict(_tsv("split.tsv"))
    assert set(halves) == needs
    ranked = sorted(needs, key=lambda n: hashlib.sha256(n.encode()).hexdigest())
    assert [halves[n] for n in ranked] == ["dev"] * (len(ranked) // 2) + ["heldout"] * (
        len(ranked) - len(ranked) // 2
    )


def test_twins_differ_only_by_name_and_job_wording_and_share_their_grades() -> None:
    rows = {}
    for line in (DEVSET / "candidates.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows[row["candidate_id"]] = row
    grades: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)
    for n, c, g in _tsv("qrels.tsv"):
        grades[c].add((n, g))
    twins = _tsv("twins.tsv")
    assert len(twins) >= 40
    for a, b in twins:
        same = {"candidate_id", "first_name", "desired_jobs"}
        assert {k: v for k, v in rows[a].items() if k not in same} == {
            k: v for k, v in rows[b].items() if k not in same
        }
        assert grades[a] == grades[b]
