"""A need's title is encoded once, for its vector and for its trade reading; the vectors and the
readings are those of the encoder itself; a title with its description is never kept."""

from __future__ import annotations

import numpy as np
import pytest
from prometheus_client import REGISTRY

from services.matcher.adapters.embedder import FakeEmbedder, Kind
from services.matcher.adapters.qdrant_client_index import memory_index
from services.matcher.domain.rome import RomeResolver
from services.matcher.domain.trades import TradeReader
from services.matcher.pipeline import Pipeline
from services.matcher.texts import SHORT, KeptEncoder

from .factories import need


class Counting(FakeEmbedder):
    """The fake encoder, counting each (text, kind) it is asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[str, Kind]] = []

    def encode(self, texts: list[str], *, kind: Kind) -> np.ndarray:
        self.asked += [(t, kind) for t in texts]
        return super().encode(texts, kind=kind)


async def _pipeline(resolver: RomeResolver, embedder: Counting) -> Pipeline:
    index = memory_index()
    await index.ensure(embedder.dim)
    return Pipeline(index=index, embedder=embedder, resolver=resolver)


async def test_a_new_need_title_is_encoded_once_for_its_vector_and_its_trades(
    resolver: RomeResolver,
) -> None:
    counting = Counting()
    pipe = await _pipeline(resolver, counting)
    await pipe.index_needs([need(title="Coffreur bancheur (H/F)", description="Voiles béton.")])
    title = resolver.neutral("Coffreur bancheur (H/F)")
    assert counting.asked.count((title, "query")) == 1
    # The title with its description is read for the trade too: encoded, and not a title.
    assert any(t.startswith(f"{title}. ") for t, _ in counting.asked)


async def test_control_a_reader_on_the_bare_encoder_encodes_the_title_twice(
    resolver: RomeResolver,
) -> None:
    """Positive control: the trade reader as it was built before (on the encoder itself)."""
    counting = Counting()
    shared = await _pipeline(resolver, Counting())
    bare = TradeReader(shared.texts.trades.knowledge, counting, neutral=resolver.neutral)
    index = memory_index()
    await index.ensure(counting.dim)
    pipe = Pipeline(index=index, embedder=counting, resolver=resolver, trades=bare)
    await pipe.index_needs([need(title="Coffreur bancheur (H/F)", description="Voiles béton.")])
    assert counting.asked.count((resolver.neutral("Coffreur bancheur (H/F)"), "query")) == 2


async def test_shared_vectors_and_readings_are_the_encoders_own(resolver: RomeResolver) -> None:
    needs = [
        need(title="Conseiller (H/F)", description="Accueil des clients en agence."),
        need(title="Conseiller (H/F)", description="Accompagnement vers l'emploi."),
        need(title="Plaquiste", description=""),
    ]
    shared = await _pipeline(resolver, Counting())
    bare_encoder = Counting()
    bare = Pipeline(
        index=memory_index(),
        embedder=bare_encoder,
        resolver=resolver,
        trades=TradeReader(shared.texts.trades.knowledge, bare_encoder, neutral=resolver.neutral),
    )
    got, want = await shared.texts.need_vectors(needs), await bare.texts.need_vectors(needs)
    assert [v.dense for v in got] == [v.dense for v in want]
    assert await shared.need_readings(needs) == await bare.need_readings(needs)
    assert (await shared.need_readings(needs))[0].fiches  # a reading that says something


def _counted(outcome: str) -> float:
    labels = {"kind": "query", "outcome": outcome}
    return REGISTRY.get_sample_value("spie_texts_read_total", labels) or 0.0


def test_long_texts_are_encoded_each_time_short_ones_once() -> None:
    counting = Counting()
    kept = KeptEncoder(counting)
    short, long = "Maçon", "Maçon. " + "x" * SHORT
    encoded, found = _counted("encoded"), _counted("kept")
    first = kept.encode([short, long, short], kind="query")
    second = kept.encode([long, short], kind="query")
    assert counting.asked == [(short, "query"), (long, "query"), (long, "query")]
    # What ops read of the encoder: every text encoded is counted, the long ones too.
    assert (_counted("encoded") - encoded, _counted("kept") - found) == (3, 2)
    assert np.array_equal(first[0], first[2]) and np.array_equal(first[1], second[0])
    assert np.array_equal(first[0], counting.encode([short], kind="query")[0])
    # Queries and passages are kept apart: the same words as a passage are encoded again.
    kept.encode([short], kind="passage")
    assert counting.asked[-1] == (short, "passage")


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_no_text_encodes_nothing(kind: Kind) -> None:
    counting = Counting()
    assert KeptEncoder(counting).encode([], kind=kind).shape == (0, counting.dim)
    assert counting.asked == []
