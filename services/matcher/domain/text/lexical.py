"""Lexical similarity: TF-IDF over gender-neutral word keys and their character n-grams.

Words catch the exact trade ("macon"), character n-grams catch derived and compound forms
("electricien" ~ "electricite", "aide-soignant" ~ "soignant"). Each space is scored by cosine
and the two are averaged. The index is an inverted file in numpy arrays: a query costs one
`bincount` over the postings of its features, so 15k labels are searched in well under 1 ms.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from dataclasses import dataclass

import numpy as np

from services.matcher.domain.text.french import keys

NGRAMS = (3, 4, 5)
SPARSE_SPACE = 2**31 - 1  # Qdrant sparse indices are uint32; keep them positive int32 too


def features(text: str) -> Counter[str]:
    """Word keys ("w:macon") and their character n-grams, padded so word edges count."""
    counts: Counter[str] = Counter()
    for word in keys(text):
        counts[f"w:{word}"] += 1
        padded = f" {word} "
        for n in NGRAMS:
            counts.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return counts


def _space(feature: str) -> int:
    return 0 if feature.startswith("w:") else 1


@dataclass(frozen=True, slots=True)
class _Postings:
    starts: np.ndarray  # feature id → first posting; ends at starts[id + 1]
    docs: np.ndarray
    weights: np.ndarray


class LexicalIndex:
    """Fit on a corpus, then score texts against every document in it."""

    def __init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._idf = np.zeros(0, dtype=np.float32)
        self._n_docs = 0
        self._postings: tuple[_Postings, _Postings] | None = None

    @property
    def fitted(self) -> bool:
        return self._n_docs > 0

    def fit(self, texts: list[str]) -> None:
        counted = [features(t) for t in texts]
        df: Counter[str] = Counter(f for c in counted for f in c)
        self._vocab = {f: i for i, f in enumerate(sorted(df))}
        n = len(texts)
        # Smoothed idf as in scikit-learn, so a feature in every document still counts a little.
        self._idf = np.array(
            [math.log((1 + n) / (1 + df[f])) + 1 for f in sorted(df)], dtype=np.float32
        )
        self._n_docs = n
        vectors = [self._weigh(c) for c in counted]
        self._postings = (self._invert(vectors, 0), self._invert(vectors, 1))

    def _weigh(self, counts: Counter[str]) -> tuple[dict[int, float], dict[int, float]]:
        """Sublinear tf × idf, L2-normalised within each space; unknown features dropped."""
        spaces: tuple[dict[int, float], dict[int, float]] = ({}, {})
        for feature, tf in counts.items():
            fid = self._vocab.get(feature)
            if fid is not None:
                spaces[_space(feature)][fid] = (1 + math.log(tf)) * float(self._idf[fid])
        for space in spaces:
            norm = math.sqrt(sum(v * v for v in space.values())) or 1.0
            for k in space:
                space[k] /= norm
        return spaces

    def _invert(
        self, vectors: list[tuple[dict[int, float], dict[int, float]]], s: int
    ) -> _Postings:
        pairs = sorted((fid, doc, w) for doc, v in enumerate(vectors) for fid, w in v[s].items())
        fids = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
        starts = np.searchsorted(fids, np.arange(len(self._vocab) + 1))
        return _Postings(
            starts=starts,
            docs=np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs)),
            weights=np.fromiter((p[2] for p in pairs), dtype=np.float32, count=len(pairs)),
        )

    def scores(self, text: str, *, word_share: float = 0.5) -> np.ndarray:
        """Cosine of `text` with every document: word_share × words + the rest × n-grams."""
        if self._postings is None:
            raise RuntimeError("LexicalIndex.scores called before fit")
        total = np.zeros(self._n_docs, dtype=np.float32)
        for share, query, postings in zip(
            (word_share, 1 - word_share), self._weigh(features(text)), self._postings, strict=True
        ):
            if not query:
                continue
            spans = [(postings.starts[f], postings.starts[f + 1], w) for f, w in query.items()]
            docs = np.concatenate([postings.docs[a:b] for a, b, _ in spans])
            weights = np.concatenate([postings.weights[a:b] * w for a, b, w in spans])
            total += share * np.bincount(docs, weights=weights, minlength=self._n_docs).astype(
                np.float32
            )
        return total

    def pair(self, a: str, b: str, *, word_share: float = 0.5) -> float:
        """Cosine of two texts under this index's idf (plain tf when not fitted)."""
        va, vb = self._weigh_any(a), self._weigh_any(b)
        parts = [sum(w * y.get(k, 0.0) for k, w in x.items()) for x, y in zip(va, vb, strict=True)]
        return word_share * parts[0] + (1 - word_share) * parts[1]

    def _weigh_any(self, text: str) -> tuple[dict[str, float], dict[str, float]]:
        spaces: tuple[dict[str, float], dict[str, float]] = ({}, {})
        for feature, tf in features(text).items():
            fid = self._vocab.get(feature)
            idf = float(self._idf[fid]) if fid is not None else self._unseen_idf()
            spaces[_space(feature)][feature] = (1 + math.log(tf)) * idf
        for space in spaces:
            norm = math.sqrt(sum(v * v for v in space.values())) or 1.0
            for k in space:
                space[k] /= norm
        return spaces

    def _unseen_idf(self) -> float:
        return math.log(1 + self._n_docs) + 1

    def sparse_vector(self, text: str) -> tuple[list[int], list[float]]:
        """Hashed (indices, values) of both spaces, for a Qdrant sparse vector (dot = score)."""
        merged: dict[int, float] = {}
        for space in self._weigh_any(text):
            for feature, w in space.items():
                idx = zlib.crc32(feature.encode()) % SPARSE_SPACE
                merged[idx] = merged.get(idx, 0.0) + w * math.sqrt(0.5)
        ordered = sorted(merged.items())
        return [i for i, _ in ordered], [v for _, v in ordered]
