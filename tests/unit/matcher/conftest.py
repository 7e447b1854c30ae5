from __future__ import annotations

import pytest

from services.matcher.adapters.embedder import FakeEmbedder
from services.matcher.adapters.qdrant_client_index import memory_index
from services.matcher.domain.rome import RomeResolver
from services.matcher.pipeline import Pipeline, Settings
from shared.referential.fixtures import fixture_paths
from shared.referential.lookup import Snapshot, snapshot_from_files


@pytest.fixture(scope="session")
def snapshot() -> Snapshot:
    return snapshot_from_files(*fixture_paths())


@pytest.fixture(scope="session")
def resolver(snapshot: Snapshot) -> RomeResolver:
    return RomeResolver(snapshot)


@pytest.fixture
async def pipeline(resolver: RomeResolver) -> Pipeline:
    embedder = FakeEmbedder()
    index = memory_index()
    await index.ensure(embedder.dim)
    return Pipeline(
        index=index,
        embedder=embedder,
        resolver=resolver,
        settings=Settings(top_k=10, threshold=0.2),
    )
