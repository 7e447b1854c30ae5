"""A matcher configured with another text encoder than the one that built its index refuses to
start, naming both: vectors of two models of the same width would otherwise mix silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.matcher.adapters.embedder import FakeEmbedder
from services.matcher.adapters.pg_repository import set_index_model
from services.matcher.bootstrap import IndexModelMismatch, bootstrap
from services.matcher.settings import MatcherSettings

pytestmark = pytest.mark.integration


async def test_an_index_built_by_one_encoder_is_not_opened_with_another(tmp_path: Path) -> None:
    settings = MatcherSettings(embedder="fake", index_path=tmp_path / "index")
    first = await bootstrap(settings, embedder=FakeEmbedder(dim=384))
    await first.close()
    again = await bootstrap(settings, embedder=FakeEmbedder(dim=384))  # same encoder: opens
    await again.close()
    with pytest.raises(IndexModelMismatch, match=r"fake-trigram-hash-384.*fake-trigram-hash-256"):
        await bootstrap(settings, embedder=FakeEmbedder(dim=256))
    elsewhere = MatcherSettings(embedder="fake", index_path=tmp_path / "other")
    other = await bootstrap(elsewhere, embedder=FakeEmbedder(dim=256))  # a new index: fine
    await other.close()


async def test_an_index_built_by_an_earlier_engine_is_refused_naming_reindex(
    tmp_path: Path,
) -> None:
    settings = MatcherSettings(embedder="fake", index_path=tmp_path / "index")
    first = await bootstrap(settings, embedder=FakeEmbedder(dim=384))
    async with first.deps.pool.acquire() as conn:  # as recorded before issue 17's engine
        await set_index_model(
            conn, location=str(settings.index_path.resolve()), model="fake-trigram-hash-384"
        )
    await first.close()
    with pytest.raises(IndexModelMismatch, match=r"python -m services.matcher reindex"):
        await bootstrap(settings, embedder=FakeEmbedder(dim=384))
