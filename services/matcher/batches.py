"""A batch of events from one topic, handled as if one at a time, in fewer round trips.

The batch is cut into runs: consecutive NeedPosted/NeedUpdated, or consecutive ProfileUpserted,
of distinct ids are handled together (one encoder call, one index upsert, one transaction); an
id met again starts a new run, so that its two versions are handled in order as before; every
other event (a closure, an erasure, feedback, an action) is handled alone, in its place.
Per-key order is the order of the batch, which keeps each partition's order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any, cast

from services.matcher import handlers
from services.matcher.handlers import Deps
from shared.contracts import (
    Event,
    MatchFeedbackGiven,
    NeedClosed,
    NeedPosted,
    NeedUpdated,
    ProfileErased,
    ProfileUpserted,
)
from shared.contracts.actions import ActionProposalFeedbackGiven, ActionPublished
from shared.logs import correlation_id

_ALONE: dict[type[Event], Callable[[Any, Deps], Awaitable[object]]] = {
    NeedClosed: handlers.handle_need_closed,
    ProfileErased: handlers.handle_profile_erased,
    MatchFeedbackGiven: handlers.handle_feedback,
    ActionPublished: handlers.handle_action_published,
    ActionProposalFeedbackGiven: handlers.handle_action_feedback,
}


def _group(event: Event) -> str | None:
    """Events of the same group with distinct ids may be handled together."""
    if isinstance(event, NeedPosted | NeedUpdated):
        return "needs"
    if isinstance(event, ProfileUpserted):
        return "profiles"
    return None


def _entity(event: Event) -> str:
    if isinstance(event, ProfileUpserted):
        return str(event.payload.candidate_id)
    return str(cast(NeedPosted, event).payload.need_id)


def runs(events: Sequence[Event]) -> Iterator[list[Event]]:
    """The batch cut into runs handled together, in order (see the module's docstring)."""
    run: list[Event] = []
    ids: set[str] = set()
    for event in events:
        group = _group(event)
        joins = bool(run) and group is not None and group == _group(run[0])
        if not joins or _entity(event) in ids:
            if run:
                yield run
            run, ids = [], set()
        run.append(event)
        if group is not None:
            ids.add(_entity(event))
        else:
            yield run
            run, ids = [], set()
    if run:
        yield run


async def handle_batch(events: Sequence[Event], deps: Deps) -> None:
    for run in runs(events):
        # The log lines of an event handled on its own carry its correlation id; a run of
        # several has none of its own (its MatchFound events each carry theirs).
        first = run[0]
        token = correlation_id.set(
            str(first.correlation_id or first.event_id) if len(run) == 1 else None
        )
        try:
            await _handle_run(run, deps)
        finally:
            correlation_id.reset(token)


async def _handle_run(run: list[Event], deps: Deps) -> None:
    group = _group(run[0])
    if group == "needs":
        await handlers.handle_needs(cast(list[NeedPosted | NeedUpdated], run), deps)
    elif group == "profiles":
        await handlers.handle_profiles_upserted(cast(list[ProfileUpserted], run), deps)
    else:
        [event] = run
        await _ALONE[type(event)](event, deps)
