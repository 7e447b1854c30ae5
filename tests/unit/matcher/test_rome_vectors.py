"""The ROME appellations are encoded once per encoder and referential, then read from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np

from services.matcher.adapters import rome_vectors
from services.matcher.adapters.embedder import FakeEmbedder
from shared.referential.lookup import Snapshot


class Counting(FakeEmbedder):
    def __init__(self, dim: int = 64) -> None:
        super().__init__(dim)
        self.texts = 0

    def encode(self, texts: list[str], *, kind: Literal["query", "passage"]) -> np.ndarray:
        self.texts += len(texts)
        return super().encode(texts, kind=kind)


def test_the_appellations_are_encoded_once_then_read_back(
    snapshot: Snapshot, tmp_path: Path
) -> None:
    first = Counting()
    built = rome_vectors.load_knowledge(snapshot, first, tmp_path)
    assert first.texts >= len(snapshot.appellations)  # encoded, the first time
    rome_vectors._loaded.clear()  # as a new process would start
    again = Counting()
    read = rome_vectors.load_knowledge(snapshot, again, tmp_path)
    assert again.texts == 0  # read from the file, not encoded
    assert np.array_equal(read.vectors, built.vectors)
    other = Counting(dim=32)  # another encoder: its own file, encoded
    rome_vectors.load_knowledge(snapshot, other, tmp_path)
    assert other.texts >= len(snapshot.appellations)
    assert len(list(tmp_path.glob("rome-vectors-*.npz"))) == 2


def test_an_unreadable_file_is_encoded_again(snapshot: Snapshot, tmp_path: Path) -> None:
    encoder = Counting(dim=48)
    rome_vectors.vectors_file(snapshot, encoder, tmp_path).write_bytes(b"not a numpy file")
    rome_vectors.load_knowledge(snapshot, encoder, tmp_path)
    assert encoder.texts >= len(snapshot.appellations)
