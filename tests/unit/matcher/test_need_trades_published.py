"""The matcher publishes its reading of each need's trade through its outbox, never a profile's.

The handlers run on the pipeline over the in-memory index; PostgreSQL is a small fake of the
versions and matches tables, and the outbox is the list of events enqueued in the transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from services.matcher import handlers
from services.matcher.adapters import actions_store, audit_log, reach_store
from services.matcher.adapters import pg_repository as repo
from services.matcher.mapping import need_from_payload
from services.matcher.pipeline import Pipeline
from shared.contracts import (
    TOPIC_OF_EVENT,
    Event,
    NeedPosted,
    NeedTradesRead,
    NeedUpdated,
    ProfileUpserted,
    decode_event,
    encode_event,
)
from shared.topics import NEED_TRADES
from tests.unit.matcher.factories import NOW
from tests.unit.test_contracts import need_payload, profile_payload


class _Store:
    """The versions, the matches and the outbox a transaction leaves behind."""

    def __init__(self) -> None:
        self.versions: dict[tuple[str, str], int] = {}
        self.matches: set[uuid.UUID] = set()
        self.outbox: list[Event] = []
        self.dirty: set[uuid.UUID] = set()  # needs whose reach is to be published again

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[Any]:
        class Conn:
            @asynccontextmanager
            async def transaction(self) -> AsyncIterator[None]:
                yield

        yield Conn()


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> _Store:
    s = _Store()

    async def accepted(_conn: Any, *, kind: str, versions: list[tuple[str, int]]) -> list[bool]:
        return [v > s.versions.get((kind, i), 0) for i, v in versions]

    async def record_versions(_conn: Any, *, seen: list[tuple[str, str, int]]) -> None:
        for kind, i, v in seen:
            s.versions[(kind, i)] = max(v, s.versions.get((kind, i), 0))

    async def save_matches(_conn: Any, *, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
        new = {r["match_id"] for r in rows} - s.matches
        s.matches |= new
        return new

    async def enqueue_events(_conn: Any, *, schema: str, events: list[Event]) -> int:
        assert schema == "matcher"
        s.outbox.extend(decode_event(encode_event(e)) for e in events)  # as on the wire
        return len(events)

    async def nothing(*_args: Any, **_kwargs: Any) -> dict[str, int]:
        return {}

    async def no_rows(*_args: Any, **_kwargs: Any) -> list[Any]:
        return []

    async def mark_needs(_conn: Any, *, needs: list[tuple[uuid.UUID, str, list[str]]]) -> None:
        s.dirty |= {n for n, _, _ in needs}

    monkeypatch.setattr(reach_store, "mark_needs", mark_needs)
    monkeypatch.setattr(reach_store, "mark_of_trades", nothing)
    monkeypatch.setattr(repo, "accepted", accepted)
    monkeypatch.setattr(repo, "record_versions", record_versions)
    monkeypatch.setattr(repo, "save_matches", save_matches)
    monkeypatch.setattr(repo, "erased_profiles", nothing)
    monkeypatch.setattr(audit_log, "refresh_access", nothing)
    monkeypatch.setattr(handlers, "enqueue_events", enqueue_events)
    # No catalogue of actions here: the open needs kept for discovery go nowhere.
    monkeypatch.setattr(actions_store, "keep_open_needs", nothing)
    monkeypatch.setattr(actions_store, "forget_open_needs", nothing)
    monkeypatch.setattr(actions_store, "asked_in", no_rows)
    monkeypatch.setattr(actions_store, "open_actions_of", no_rows)
    return s


def _deps(store: _Store, pipeline: Pipeline) -> handlers.Deps:
    return handlers.Deps(pool=store, pipeline=pipeline, clock=lambda: NOW)  # type: ignore[arg-type]


def _readings(store: _Store) -> list[NeedTradesRead]:
    return [e for e in store.outbox if isinstance(e, NeedTradesRead)]


async def test_each_need_indexed_publishes_the_trades_the_matcher_reads_keyed_by_its_id(
    store: _Store, pipeline: Pipeline
) -> None:
    posted = NeedPosted(producer="employer_intake", payload=need_payload(title="Maçon"))
    await handlers.handle_needs([posted], _deps(store, pipeline))

    [read] = _readings(store)
    p = read.payload
    assert read.key() == str(posted.payload.need_id).encode() and p.need_version == 1
    assert p.model_version == pipeline.model_version and read.producer == "matcher"
    assert read.correlation_id == posted.correlation_id
    assert store.dirty == {posted.payload.need_id}  # its reach is to be published too
    expected = pipeline.texts.need_reading(need_from_payload(posted.payload))
    assert expected.fiches  # the fixture referential reads "Maçon" as some trade
    assert [(t.rome_code, t.probability) for t in p.trades] == list(expected.fiches[:5])
    assert p.rome_code == expected.code
    assert [t.rome_label for t in p.trades] == [
        pipeline.resolver.label(t.rome_code) for t in p.trades
    ]


async def test_a_code_given_reads_as_itself_for_sure_and_a_new_version_reads_again(
    store: _Store, pipeline: Pipeline
) -> None:
    posted = NeedPosted(producer="employer_intake", payload=need_payload(rome_code="F1703"))
    await handlers.handle_needs([posted], _deps(store, pipeline))
    changed = need_payload(need_id=posted.payload.need_id, version=2, title="Plaquiste")
    await handlers.handle_needs(
        [NeedUpdated(producer="employer_intake", payload=changed)], _deps(store, pipeline)
    )

    first, second = _readings(store)
    assert first.payload.rome_code == "F1703"
    assert [(t.rome_code, t.probability) for t in first.payload.trades] == [("F1703", 1.0)]
    assert first.payload.trades[0].rome_label == pipeline.resolver.label("F1703")
    assert (second.payload.need_id, second.payload.need_version) == (posted.payload.need_id, 2)


async def test_a_replayed_need_version_publishes_no_second_reading(
    store: _Store, pipeline: Pipeline
) -> None:
    posted = NeedPosted(producer="employer_intake", payload=need_payload())
    await handlers.handle_needs([posted], _deps(store, pipeline))
    await handlers.handle_needs([posted], _deps(store, pipeline))
    assert len(_readings(store)) == 1


async def test_a_profile_indexed_publishes_no_reading_of_its_trades(
    store: _Store, pipeline: Pipeline
) -> None:
    upserted = ProfileUpserted(producer="candidate_profile", payload=profile_payload())
    await handlers.handle_profiles_upserted([upserted], _deps(store, pipeline))
    assert store.versions  # the profile was handled
    assert not _readings(store)
    assert all(TOPIC_OF_EVENT[type(e)] is not NEED_TRADES for e in store.outbox)
