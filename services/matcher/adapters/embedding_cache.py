"""An embedder that remembers: vectors kept on disk per model and kind, for repeated runs.

For benchmarks and batch experiments only (e.g. `.cache/embeddings/`, git-ignored): the live
service encodes each need or profile once and keeps the vector in its index instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from services.matcher.adapters.embedder import Embedder, Kind


class CachedEmbedder:
    def __init__(self, inner: Embedder, directory: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._directory = directory
        self._stores: dict[str, dict[str, np.ndarray]] = {}

    def _path(self, kind: Kind) -> Path:
        safe = re.sub(r"[^A-Za-z0-9._=-]+", "_", self.name)
        return self._directory / f"{safe}-{kind}.npz"

    def _store(self, kind: Kind) -> dict[str, np.ndarray]:
        if kind not in self._stores:
            path = self._path(kind)
            store: dict[str, np.ndarray] = {}
            if path.is_file():
                with np.load(path) as saved:
                    store = dict(zip(saved["texts"].tolist(), saved["vectors"], strict=True))
            self._stores[kind] = store
        return self._stores[kind]

    def encode(self, texts: list[str], *, kind: Kind) -> np.ndarray:
        store = self._store(kind)
        missing = list(dict.fromkeys(t for t in texts if t not in store))
        if missing:
            store.update(zip(missing, self.inner.encode(missing, kind=kind), strict=True))
            self._save(kind, store)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([store[t] for t in texts]).astype(np.float32)

    def _save(self, kind: Kind, store: dict[str, np.ndarray]) -> None:
        self._directory.mkdir(parents=True, exist_ok=True)
        path = self._path(kind)
        partial = path.with_suffix(".partial.npz")
        np.savez(
            partial, texts=np.array(list(store), dtype=str), vectors=np.stack(list(store.values()))
        )
        partial.replace(path)  # a run killed while saving leaves the previous cache intact
