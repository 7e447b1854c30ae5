"""The hybrid French job-text engine: dense + lexical, expanded and cross-checked through ROME.

    engine = TextEngine(embedder, snapshot)      # snapshot=None: dense + lexical only
    engine.fit_corpus(ids, texts)
    engine.rank(["Maçonne"], top_k=10)           # [[("C000697_fr_005", 3.2), ...]]

Per query and document, the signals of `Weights` are computed over the whole corpus, z-scored
per query and summed (see fusion.py). Everything is CPU-bound: callers run it in a thread.
"""

from __future__ import annotations

import numpy as np

from services.matcher.domain.text.french import plural_head
from services.matcher.domain.text.fusion import Weights, fuse, top_k
from services.matcher.domain.text.lexical import LexicalIndex
from services.matcher.domain.text.rome import (
    Crosswalk,
    Encoder,
    RomeKnowledge,
    encode_unique,
)
from shared.referential.snapshot import Snapshot


class CorpusNotFitted(RuntimeError):
    """rank() was called before fit_corpus()."""


class TextEngine:
    def __init__(
        self,
        embedder: Encoder,
        rome: Snapshot | RomeKnowledge | None,
        *,
        weights: Weights | None = None,
    ) -> None:
        self.embedder = embedder
        self.weights = weights or Weights()
        # A RomeKnowledge embeds ~12k appellations: share one between engines when possible.
        self.rome = RomeKnowledge(rome, embedder) if isinstance(rome, Snapshot) else rome
        self.lexical = LexicalIndex()
        self._ids: list[str] = []
        self._vectors = np.zeros((0, embedder.dim), dtype=np.float32)
        self._crosswalk: Crosswalk | None = None
        self._title_crosswalk: Crosswalk | None = None
        self._groups: tuple[np.ndarray, np.ndarray] | None = None
        self._plural = np.zeros(0, dtype=np.float32)
        self._title_vectors: np.ndarray | None = None

    def fit_corpus(
        self, ids: list[str], texts: list[str], *, groups: list[str] | None = None
    ) -> None:
        """Index a corpus: its vectors, its lexical index and, with ROME, its fiches.

        `groups` (optional, one key per document) marks documents that are labels of one
        entity, e.g. the desired jobs of one profile: each then also scores by its entity.
        """
        if len(ids) != len(texts) or (groups is not None and len(groups) != len(ids)):
            raise ValueError(f"{len(ids)} ids for {len(texts)} texts and their groups")
        self._ids = list(ids)
        self._groups = None
        if groups is not None:
            _, inverse = np.unique(np.array(groups), return_inverse=True)
            self._groups = (inverse, np.bincount(inverse).astype(np.float32))
        self._vectors = encode_unique(self.embedder, list(texts), kind="passage")
        w = self.weights
        self._title_vectors = (
            encode_unique(self.embedder, list(texts), kind="query")
            if w.dense_title or (self.rome is not None and _title_votes(w))
            else None
        )
        self.lexical.fit(list(texts))
        self._plural = np.array([plural_head(t) for t in texts], dtype=np.float32)
        self._crosswalk = self._title_crosswalk = None
        if self.rome is not None:
            if w.crosswalk or w.crosswalk_appellation:
                self._crosswalk = self.rome.crosswalk(self._vectors, list(texts))
            if self._title_vectors is not None and _title_votes(w):
                self._title_crosswalk = self.rome.crosswalk(self._title_vectors, list(texts))

    def rank(self, queries: list[str], top_k: int) -> list[list[tuple[str, float]]]:
        """For each query, the top_k corpus ids with their fused scores, best first."""
        if not self._ids:
            raise CorpusNotFitted("fit_corpus() must be called before rank()")
        vectors = encode_unique(self.embedder, list(queries), kind="query")
        return [self._rank_one(q, v, top_k) for q, v in zip(queries, vectors, strict=True)]

    def scores(self, query: str, vector: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Every raw signal of one query against the whole corpus (for fusion and analysis)."""
        if vector is None:
            vector = encode_unique(self.embedder, [query], kind="query")[0]
        signals = {
            "dense": self._vectors @ vector,
            "lexical": self.lexical.scores(query, word_share=self.weights.lexical_word_share),
        }
        if self._title_vectors is not None:
            signals["dense_title"] = self._title_vectors @ vector
        if self.rome is not None:
            signals |= self._rome_signals(query, vector, self.rome)
        return signals

    def _rank_one(self, query: str, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        fused = fuse(self.scores(query, vector), self.weights)
        if self.weights.plural_label and not plural_head(query):
            fused = fused - self.weights.plural_label * self._plural
        if self._groups is not None and self.weights.group:
            inverse, sizes = self._groups
            means = np.bincount(inverse, weights=fused) / sizes
            fused = fused + self.weights.group * means[inverse].astype(np.float32)
        return [(self._ids[i], float(fused[i])) for i in top_k(fused, k)]

    def _rome_signals(
        self, query: str, vector: np.ndarray, rome: RomeKnowledge
    ) -> dict[str, np.ndarray]:
        where = rome.locate(query, vector)
        labels, sibling_vectors = rome.siblings(where)
        dense = sibling_vectors @ self._vectors.T
        lexical = np.stack([self.lexical.scores(t) for t in labels])
        fiche = rome.fiche_label(where.code_rome)
        signals = {
            "sibling_max": dense.max(axis=0),
            "sibling_mean": dense.mean(axis=0),
            "sibling_lexical_max": lexical.max(axis=0),
            "sibling_lexical_mean": lexical.mean(axis=0),
            "fiche": self._vectors @ rome.fiche_vector(where.code_rome),
            "fiche_lexical": self.lexical.scores(fiche),
        }
        crosswalk, w = self._crosswalk, self.weights
        # Each vote only when it weighs: fit_corpus builds this crosswalk for either.
        if crosswalk is not None and w.crosswalk:
            signals["crosswalk"] = crosswalk.probability(where.code_rome)
        if crosswalk is not None and w.crosswalk_appellation:
            signals["crosswalk_appellation"] = crosswalk.appellation_probability(where.code_ogr)
        titles = self._title_crosswalk
        if titles is not None:
            signals["crosswalk_appellation_title"] = titles.appellation_probability(where.code_ogr)
            signals["crosswalk_domain_title"] = titles.domain_probability(where.code_rome)
        return signals

    def lexical_vector(self, text: str) -> tuple[list[int], list[float]]:
        """Sparse (indices, values) of `text`, for a Qdrant sparse vector; dot product = score."""
        return self.lexical.sparse_vector(text)

    def similarity(self, a: str, b: str) -> dict[str, float]:
        """Score parts of one pair, for explanations: dense and lexical cosines, same fiche."""
        va, vb = encode_unique(self.embedder, [a, b], kind="query")
        parts = {"dense": float(va @ vb), "lexical": self.lexical.pair(a, b)}
        if self.rome is not None:
            same = self.rome.locate(a, va).code_rome == self.rome.locate(b, vb).code_rome
            parts["same_rome"] = 1.0 if same else 0.0
        return parts


def _title_votes(w: Weights) -> bool:
    """Whether any ROME vote is taken with the documents embedded as titles."""
    return bool(w.crosswalk_appellation_title or w.crosswalk_domain_title)
