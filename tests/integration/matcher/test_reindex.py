"""After a change of text encoder, ops re-index once and the matcher starts again, finding the
same people: nothing re-read from Kafka, lapsed consents left out, no copy of the old index left."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from services.matcher.adapters.edge_index import IndexBusy
from services.matcher.adapters.embedder import FakeEmbedder
from services.matcher.bootstrap import bootstrap
from services.matcher.domain.ports import PROFILES
from services.matcher.pipeline import point_id
from services.matcher.reindex import reindex
from services.matcher.settings import MatcherSettings
from shared.db.pool import create_pool
from tests.unit.matcher.factories import NOW, consent, need, profile

pytestmark = pytest.mark.integration
LATER = NOW + timedelta(days=2)


async def test_a_reindexed_index_opens_with_the_new_encoder_and_finds_the_same_people(
    tmp_path: Path,
) -> None:
    settings = MatcherSettings(embedder="fake", index_path=tmp_path / "index", threshold=0.0)
    staying = [profile(), profile(desired_jobs=("Maçon",))]
    lapsing = profile(consent=consent(expires_at=NOW + timedelta(days=1)))
    wanted = need()
    first = await bootstrap(settings, embedder=FakeEmbedder(dim=384))
    await first.deps.pipeline.index_profiles([*staying, lapsing], at=NOW)
    await first.deps.pipeline.index_needs([wanted])
    resolver = first.deps.pipeline.resolver
    with pytest.raises(IndexBusy):  # the matcher still has it open
        await reindex(
            settings.index_path, pool=first.deps.pool, embedder=FakeEmbedder(256), resolver=resolver
        )
    await first.close()
    stale = tmp_path / "index.before-20200101T000000"  # what a re-index of old left behind
    stale.mkdir()
    (stale / "payload.bin").write_bytes(staying[0].candidate_id.encode())

    pool = await create_pool(settings.dsn)
    try:
        done = await reindex(
            settings.index_path,
            pool=pool,
            embedder=FakeEmbedder(dim=256),
            resolver=resolver,
            at=LATER,
        )
    finally:
        await pool.close()
    assert (done.profiles, done.needs, done.dropped) == (2, 1, 1)
    # No copy of the profiles is left beside the index in service: only the index itself.
    assert len(done.removed) == 2 and stale in done.removed
    assert [p.name for p in tmp_path.iterdir()] == ["index"]  # noqa: ASYNC240 - a test

    again = await bootstrap(settings, embedder=FakeEmbedder(dim=256))  # no IndexModelMismatch
    try:
        proposals = await again.deps.pipeline.rank_for_need(wanted, at=LATER)
        assert {p.profile.candidate_id for p in proposals} == {p.candidate_id for p in staying}
        stored = await again.index.vectors(PROFILES, [point_id(staying[0].candidate_id)])
        assert len(next(iter(stored.values())).dense) == 256
    finally:
        await again.close()


async def test_reindexing_a_folder_without_an_index_says_so(tmp_path: Path) -> None:
    settings = MatcherSettings(embedder="fake", index_path=tmp_path / "x")
    container = await bootstrap(settings, embedder=FakeEmbedder())
    try:
        with pytest.raises(FileNotFoundError, match="no matcher index at"):
            await reindex(
                tmp_path / "nothing",
                pool=container.deps.pool,
                embedder=FakeEmbedder(),
                resolver=container.deps.pipeline.resolver,
            )
    finally:
        await container.close()
