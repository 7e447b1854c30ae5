"""Under a steady flow of needs and profile updates, each fault in turn: nothing accepted is
lost, no MatchFound or alert e-mail is doubled, both consumer groups catch up; each scenario
prints how long recovery took."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx
import pytest

from tests.chaos._checks import drained, mails_settled, verdict
from tests.chaos._flow import Actors, run_flow
from tests.chaos._stack import sigkill, stack

pytestmark = pytest.mark.chaos
FLOW_SECONDS = 10.0
FAULT_AT = 3.0
Fault = Callable[[], Awaitable[float]]  # injects, repairs, returns the outage in seconds


async def play(
    name: str,
    fault: Fault,
    bootstrap: str,
    http: httpx.AsyncClient,
    actors: Actors,
    *,
    resends_allowed: int = 0,
) -> dict[str, int]:
    """`resends_allowed`: e-mails sent again with the same Message-ID (the notifier's documented
    window: sent, then the COMMIT failed); a different Message-ID twice is never allowed."""
    since_ms = int(time.time() * 1000) - 1000
    flow = asyncio.create_task(run_flow(http, actors, seconds=FLOW_SECONDS))
    await asyncio.sleep(FAULT_AT)
    outage = await fault()
    repaired = time.monotonic()
    outcome = await flow
    flow_left = time.monotonic() - repaired  # the flow may outlast the repair
    await drained(bootstrap, outcome, since_ms)
    caught_up = time.monotonic() - repaired
    await mails_settled(actors.email)
    v = await verdict(bootstrap, outcome, since_ms, actors.email)
    print(
        f"\n[chaos] {name}: outage {outage:.1f} s; caught up {caught_up:.1f} s after the repair"
        f" (of which {flow_left:.1f} s the flow still ran); "
        f"{len(outcome.needs)} needs and {len(outcome.versions)} profile versions accepted, "
        f"refused {outcome.refused or 'none'}; {v.matches} matches, "
        f"{v.emails} e-mails, "
        f"{v.redelivered_matches} MatchFound redelivered (same event_id), "
        f"{v.duplicate_emails} e-mail(s) resent with the same Message-ID"
    )
    assert not v.lost_needs, f"{len(v.lost_needs)} accepted needs never reached the topic"
    assert not v.lost_versions, f"{len(v.lost_versions)} profile versions never reached the topic"
    assert v.duplicate_matches == 0
    assert v.duplicate_emails <= resends_allowed
    assert outcome.needs and outcome.versions
    return outcome.refused


def kill_and_restart(service: str) -> Fault:
    async def fault() -> float:
        start = time.monotonic()
        await asyncio.to_thread(sigkill, service)
        await asyncio.to_thread(stack, "services-up")
        return time.monotonic() - start

    return fault


def restart(part: str, down_for: float = 0.0) -> Fault:
    async def fault() -> float:
        start = time.monotonic()
        await asyncio.to_thread(stack, f"{part}-down")
        await asyncio.sleep(down_for)
        await asyncio.to_thread(stack, f"{part}-up")
        return time.monotonic() - start

    return fault


async def test_a_killed_matcher_restarts_and_loses_nothing(
    bootstrap: str, http: httpx.AsyncClient, actors: Actors
) -> None:
    await play("SIGKILL matcher", kill_and_restart("matcher"), bootstrap, http, actors)


async def test_a_killed_notifier_restarts_and_sends_no_alert_twice(
    bootstrap: str, http: httpx.AsyncClient, actors: Actors
) -> None:
    await play("SIGKILL notifier", kill_and_restart("notifier"), bootstrap, http, actors)


async def test_a_kafka_restart_loses_nothing(
    bootstrap: str, http: httpx.AsyncClient, actors: Actors
) -> None:
    await play("Kafka restart", restart("kafka"), bootstrap, http, actors)


async def test_a_postgresql_restart_loses_nothing_accepted(
    bootstrap: str, http: httpx.AsyncClient, actors: Actors
) -> None:
    # PostgreSQL ending the notifier's transaction after an SMTP "250 OK" makes the e-mail go
    # again after the restart, with the same Message-ID: at most one per delivery worker.
    refused = await play(
        "PostgreSQL restart", restart("pg", 2.0), bootstrap, http, actors, resends_allowed=2
    )
    # During the outage the APIs say "come back later" (503 with Retry-After), never 500.
    assert refused, "no request met the outage"
    assert set(refused) <= {"needs 503", "profiles 503"}, refused


async def test_needs_are_still_accepted_while_kafka_is_down(
    bootstrap: str, http: httpx.AsyncClient, actors: Actors
) -> None:
    refused = await play("Kafka down 8 s", restart("kafka", 8.0), bootstrap, http, actors)
    assert not any(label.startswith("needs") for label in refused), refused
