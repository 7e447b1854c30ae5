"""The fixture referential as a snapshot, and the ROME scorer built on it (once per session)."""

from __future__ import annotations

import pytest

from services.employer_intake.domain.rome_coding import RomeSuggester
from shared.referential.fixtures import fixture_paths
from shared.referential.lookup import snapshot_from_files
from shared.referential.snapshot import Snapshot


@pytest.fixture(scope="session")
def snapshot() -> Snapshot:
    return snapshot_from_files(*fixture_paths())


@pytest.fixture(scope="session")
def suggester(snapshot: Snapshot) -> RomeSuggester:
    return RomeSuggester(snapshot)
