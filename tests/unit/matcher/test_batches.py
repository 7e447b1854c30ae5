"""A batch of events is cut into runs handled together without changing what one-by-one does."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

from services.matcher.batches import handle_batch, runs
from services.matcher.handlers import Deps
from shared.contracts import (
    Event,
    MatchFeedbackGiven,
    NeedClosed,
    NeedPosted,
    NeedUpdated,
    ProfileUpserted,
)
from shared.logs import correlation_id


def _event(kind: type[Event], **payload: Any) -> Event:
    # Only the type and the id matter here: built without the contract's validation.
    return kind.model_construct(producer="test", payload=SimpleNamespace(**payload))


def _shape(events: list[Event]) -> list[list[str]]:
    return [[f"{type(e).__name__}:{_id(e)}" for e in run] for run in runs(events)]


def _id(event: Event) -> str:
    payload = event.payload  # type: ignore[attr-defined]
    return str(getattr(payload, "need_id", None) or payload.candidate_id)


def test_needs_of_distinct_ids_form_one_run() -> None:
    batch = [_event(NeedPosted, need_id=n) for n in "abc"]
    assert _shape(batch) == [["NeedPosted:a", "NeedPosted:b", "NeedPosted:c"]]


def test_a_need_met_again_starts_a_new_run_so_its_versions_keep_their_order() -> None:
    batch = [
        _event(NeedPosted, need_id="a"),
        _event(NeedPosted, need_id="b"),
        _event(NeedUpdated, need_id="a"),
        _event(NeedPosted, need_id="c"),
    ]
    assert _shape(batch) == [
        ["NeedPosted:a", "NeedPosted:b"],
        ["NeedUpdated:a", "NeedPosted:c"],
    ]


def test_a_closure_is_handled_alone_in_its_place() -> None:
    batch = [
        _event(NeedPosted, need_id="a"),
        _event(NeedClosed, need_id="a"),
        _event(NeedPosted, need_id="b"),
    ]
    assert _shape(batch) == [["NeedPosted:a"], ["NeedClosed:a"], ["NeedPosted:b"]]


def test_profiles_and_needs_never_share_a_run() -> None:
    batch = [_event(ProfileUpserted, candidate_id="p"), _event(NeedPosted, need_id="a")]
    assert _shape(batch) == [["ProfileUpserted:p"], ["NeedPosted:a"]]


class _Pool:
    """Hands out a connection that notes the correlation id current at each statement."""

    def __init__(self) -> None:
        self.seen: list[str | None] = []

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[Any]:
        seen = self.seen

        class Conn:
            async def execute(self, *_args: Any) -> str:
                seen.append(correlation_id.get())
                return "UPDATE 1"

        yield Conn()


async def test_an_event_handled_alone_logs_under_its_own_correlation_id() -> None:
    cid = uuid.uuid4()
    feedback = MatchFeedbackGiven(
        producer="notifier",
        correlation_id=cid,
        payload={
            "match_id": uuid.uuid4(),
            "need_id": uuid.uuid4(),
            "candidate_id": uuid.uuid4(),
            "referent_id": uuid.uuid4(),
            "decision": "contacted",
        },
    )
    pool = _Pool()
    deps = Deps(pool=pool, pipeline=None)  # type: ignore[arg-type]
    await handle_batch([feedback, feedback], deps)
    # Two statements each: the decision stored, its need's reach to publish again.
    assert pool.seen == [str(cid)] * 4 and correlation_id.get() is None
