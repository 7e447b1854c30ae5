"""The actions service SIGKILLed in the middle of a burst of registrations, then restarted:
every registration answered 2xx is stored, once; no place is counted twice (each session's
`registered` equals its rows holding a place, never above the capacity, and no one waits while
a place is free); the outbox then publishes a RegistrationChanged for every stored one.

The persons come the real way (candidate_profile's API → spie.candidates.v1 → the actions
service's replica); the action and its sessions are written in SQL by the owner, the catalogue's
own API being tested apart."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from shared.contracts.actions import RegistrationChanged
from shared.kafka.reader import read_since
from shared.settings import load_base_settings
from shared.topics import REGISTRATIONS
from tests.chaos._checks import events
from tests.chaos._flow import Actors, profile_body
from tests.chaos._stack import sigkill, stack, url

pytestmark = pytest.mark.chaos
SESSIONS, CAPACITY, EXTRA_PERSONS = 20, 3, 6
RATE = 20.0  # registrations per second
KILL_AT = 2.0  # seconds into the burst's first half (which lasts 6 s)
HOLDING = ("inscrit", "present", "absent")


@dataclass
class Burst:
    accepted: dict[uuid.UUID, str] = field(default_factory=dict)  # registration_id -> status
    refused: dict[str, int] = field(default_factory=dict)
    before_kill: int = 0

    def refuse(self, what: str) -> None:
        self.refused[what] = self.refused.get(what, 0) + 1


async def _db() -> asyncpg.Connection:
    return await asyncpg.connect(load_base_settings().dsn)


async def _persons(http: httpx.AsyncClient, actors: Actors) -> list[str]:
    """The run's profiles and a few more, once the actions service's replicas have them all
    (and the run's référent)."""
    auth = {"Authorization": f"Bearer {actors.bearer}"}
    persons = list(actors.profiles)
    for n in range(EXTRA_PERSONS):
        r = await http.post(
            f"{url('candidate_profile')}/profiles", headers=auth, json=profile_body(n % 3, n)
        )
        r.raise_for_status()
        persons.append(r.json()["candidate_id"])
    conn = await _db()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            known = await conn.fetchval(
                "select count(*) from actions.persons where candidate_id = any($1::uuid[])",
                persons,
            )
            referent = await conn.fetchval(
                "select count(*) from actions.referents where structure = $1", f"CH{actors.run}"
            )
            if known == len(persons) and referent:
                return persons
            await asyncio.sleep(0.5)
    finally:
        await conn.close()
    raise AssertionError("the actions service did not read the run's profiles within 60 s")


async def _sessions(structure: str) -> list[uuid.UUID]:
    action_id, sessions = uuid.uuid4(), [uuid.uuid4() for _ in range(SESSIONS)]
    starts = datetime.now(UTC) + timedelta(days=10)
    conn = await _db()
    try:
        await conn.execute(
            "insert into actions.actions (action_id, kind, provider_structure, title, publics,"
            " commune_insee, created_by) values ($1, 'atelier', $2, 'Atelier chaos', '{tous}',"
            " '31555', $3)",
            action_id,
            structure,
            uuid.uuid4(),
        )
        hours = timedelta(hours=3)
        rows = [
            (s, action_id, starts + timedelta(days=i), starts + timedelta(days=i) + hours, CAPACITY)
            for i, s in enumerate(sessions)
        ]
        await conn.executemany(
            "insert into actions.sessions (session_id, action_id, starts_at, ends_at, capacity)"
            " values ($1, $2, $3, $4, $5)",
            rows,
        )
    finally:
        await conn.close()
    return sessions


async def _assertion(http: httpx.AsyncClient, actors: Actors) -> dict[str, str]:
    r = await http.post(
        f"{url('candidate_profile')}/referents/me/assertion",
        headers={"Authorization": f"Bearer {actors.bearer}"},
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['assertion']}"}


async def _burst(
    http: httpx.AsyncClient, auth: dict[str, str], pairs: list[tuple[uuid.UUID, str]]
) -> tuple[Burst, float]:
    """Every (session, person) registered at RATE per second, SIGKILL at KILL_AT s, then the
    service restarted while the burst goes on; returns what was answered, and the outage."""
    burst = Burst()

    async def register(session_id: uuid.UUID, person: str) -> None:
        try:
            r = await http.post(
                f"{url('actions')}/actions/api/sessions/{session_id}/inscriptions",
                headers=auth,
                json={"candidate_id": person},
            )
        except httpx.HTTPError as exc:
            burst.refuse(type(exc).__name__)
            return
        if r.status_code == 201:
            burst.accepted[uuid.UUID(r.json()["registration_id"])] = r.json()["status"]
        else:
            burst.refuse(str(r.status_code))

    async def kill_and_restart() -> float:
        await asyncio.sleep(KILL_AT)
        burst.before_kill = len(burst.accepted)
        start = time.monotonic()
        await asyncio.to_thread(sigkill, "actions")
        await asyncio.to_thread(stack, "services-up")
        return time.monotonic() - start

    async def paced(chunk: list[tuple[uuid.UUID, str]]) -> list[asyncio.Task[None]]:
        start, tasks = time.monotonic(), []
        for n, (session_id, person) in enumerate(chunk):
            await asyncio.sleep(max(0.0, start + n / RATE - time.monotonic()))
            tasks.append(asyncio.create_task(register(session_id, person)))
        return tasks

    # The first half meets the kill; the second is sent once the service is back, whatever
    # the restart took, so that registrations are answered after it too.
    fault = asyncio.create_task(kill_and_restart())
    half = len(pairs) // 2
    tasks = await paced(pairs[:half])
    outage = await fault
    tasks += await paced(pairs[half:])
    await asyncio.gather(*tasks)
    return burst, outage


async def _published(bootstrap: str, since_ms: int, wanted: set[uuid.UUID]) -> set[uuid.UUID]:
    """The registrations of `wanted` whose RegistrationChanged is on the topic, within 60 s."""
    deadline, seen = time.monotonic() + 60, set()
    while time.monotonic() < deadline:
        records = await read_since(bootstrap, REGISTRATIONS.name, since_ms)
        seen = {
            e.payload.registration_id for e in events(records) if isinstance(e, RegistrationChanged)
        }
        if wanted <= seen:
            break
        await asyncio.sleep(1)
    return wanted & seen


async def test_a_killed_actions_service_loses_no_registration_and_counts_no_place_twice(
    bootstrap: str, http: httpx.AsyncClient, actors: Actors
) -> None:
    since_ms = int(time.time() * 1000) - 1000
    persons = await _persons(http, actors)
    sessions = await _sessions(f"CH{actors.run}")
    auth = await _assertion(http, actors)
    # Each person tries every session; consecutive requests go to different sessions.
    pairs = [(s, p) for p in persons for s in sessions]

    burst, outage = await _burst(http, auth, pairs)

    conn = await _db()
    try:
        rows = await conn.fetch(
            "select registration_id, session_id, candidate_id, status from actions.registrations"
            " where session_id = any($1::uuid[])",
            sessions,
        )
        counts = await conn.fetch(
            "select session_id, registered, capacity from actions.sessions"
            " where session_id = any($1::uuid[])",
            sessions,
        )
    finally:
        await conn.close()
    stored = {r["registration_id"]: r for r in rows}
    published = await _published(bootstrap, since_ms, set(stored))
    print(
        f"\n[chaos] SIGKILL actions mid-registration: outage {outage:.1f} s; {len(pairs)} tried,"
        f" {len(burst.accepted)} answered 201 ({burst.before_kill} before the kill), refused"
        f" {burst.refused or 'none'}; {len(stored)} stored, {len(published)} published"
    )
    # Positive controls: registrations were answered before the kill and after the restart.
    assert 0 < burst.before_kill < len(burst.accepted)
    assert set(burst.accepted) <= set(stored), "a registration answered 201 was lost"
    assert all(stored[r]["status"] == s for r, s in burst.accepted.items())
    live = [(r["session_id"], r["candidate_id"]) for r in rows]
    assert len(live) == len(set(live)), "a person registered twice to a session"
    for c in counts:
        mine = [r for r in rows if r["session_id"] == c["session_id"]]
        holding = sum(r["status"] in HOLDING for r in mine)
        waiting = sum(r["status"] == "liste_attente" for r in mine)
        assert c["registered"] == holding <= c["capacity"], dict(c)
        assert not waiting or holding == c["capacity"], "someone waits while a place is free"
    assert published == set(stored), f"{len(set(stored) - published)} never published"
