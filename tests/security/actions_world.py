"""The victims the actions service's attacks aim at (actions_plans.py), made through the
service's own API as Y's référent would, and what a plan needs made fresh: an action, a closed
one, a registration, one whose session has begun, Y's imported reference.

Y's action and its registration are made once per world, after the référents X and Y and Y's
person have reached the service's replicas through Kafka; Y's référent is then granted the
coordination view as ops would.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from shared.identity import issue
from shared.settings import load_base_settings
from tests.security.conftest import cli
from tests.security.routes_kit import (
    FORGED_RING,
    World,
    assertion,
    authorization,
    bearer,
    cookie_header,
    door_pass,
)


@dataclass
class Victims:
    """What Y owns in the actions service, made once per world."""

    referent: dict[str, str]  # name -> référent id
    action: str
    session: str
    registration: str
    day: datetime  # the far day of Y's sessions: a search on it finds Y's action


_VICTIMS: dict[str, Victims] = {}  # by world: the world is the test module's, made once


async def victims(world: World, http: httpx.AsyncClient) -> Victims:
    if world.run not in _VICTIMS:
        _VICTIMS[world.run] = await _make_victims(world, http)
    return _VICTIMS[world.run]


async def _make_victims(world: World, http: httpx.AsyncClient) -> Victims:
    referent: dict[str, str] = {}
    for name in ("X", "Y"):
        me = await http.get(
            f"{world.urls['candidate_profile']}/referents/me", headers=bearer(world, name)
        )
        referent[name] = str(me.json()["referent_id"])
        await until_known(world, http, name)
    # The coordination role, as ops grant it (the référent must be in the replica first).
    cli(
        "services.actions",
        "grant-coordination",
        "--referent-id",
        referent["Y"],
        "--granted-by",
        "security-suite",
    )
    # A day of its own, after those of the other suites: a search on it finds Y's action.
    day = datetime(2182, 1, 5, 8, tzinfo=UTC) + timedelta(days=uuid.uuid4().int % 5000)
    action, session = await new_action(world, http, day)
    await until_listed(world, http, "Y", action, world.profile)
    registration = await register(world, http, session)
    return Victims(referent, action, session, registration, day)


async def _until(done: Callable[[], Awaitable[bool]], what: str, within: float = 120) -> None:
    deadline = time.monotonic() + within
    while not await done():
        assert time.monotonic() < deadline, f"never arrived: {what}"
        await asyncio.sleep(1)


async def until_known(world: World, http: httpx.AsyncClient, name: str) -> None:
    """Until `name`'s référent is in the service's replica: the API takes their assertion."""

    async def known() -> bool:
        r = await http.get(
            f"{world.urls['actions']}/actions/api/inscriptions",
            headers=await assertion(world, http, name),
        )
        return r.status_code == 200

    await _until(known, f"référent {name} in the replica")


async def until_listed(
    world: World,
    http: httpx.AsyncClient,
    name: str,
    action: str,
    candidate: str,
    *,
    listed: bool = True,
) -> None:
    """Until the service's replica says the person is `name`'s to register (`listed`) or no
    longer: the action's page lists them to `name`, or no longer."""

    async def as_wished() -> bool:
        who = await door_pass(world, http, name)
        r = await http.get(
            f"{world.urls['actions']}/actions/{action}",
            headers={**who.headers, **cookie_header(who.cookies)},
        )
        return (candidate in r.text) == listed

    await _until(as_wished, f"the person {'in' if listed else 'out of'} {name}'s list")


def action_body(world: World, day: datetime) -> dict[str, Any]:
    start = day + timedelta(hours=uuid.uuid4().int % 8)
    session = {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=3)).isoformat(),
        "capacity": 10,
        "schedules": ["day"],
    }
    return {
        "kind": "decouverte_metiers",
        "title": f"Découvrir la taille de pierre {world.run}",
        "description": "Une matinée sur un chantier de restauration.",
        "rome_codes": ["F1701"],
        "publics": ["tous"],
        "commune_insee": "31483",
        "sessions": [session],
    }


async def new_action(
    world: World, http: httpx.AsyncClient, day: datetime | None = None
) -> tuple[str, str]:
    """An action of Y's with one session: (action id, session id)."""
    when = day or datetime(2182, 1, 5, 8, tzinfo=UTC) + timedelta(days=uuid.uuid4().int % 5000)
    r = await http.post(
        f"{world.urls['actions']}/actions/api/actions",
        json=action_body(world, when),
        headers=await assertion(world, http, "Y"),
    )
    assert r.status_code == 201, r.status_code
    return str(r.json()["action_id"]), str(r.json()["sessions"][0]["session_id"])


async def register(
    world: World, http: httpx.AsyncClient, session: str, *, by: str = "Y", person: str = ""
) -> str:
    """`by` registers its person (Y's: the world's profile) to the session: the registration's
    id."""
    r = await http.post(
        f"{world.urls['actions']}/actions/api/sessions/{session}/inscriptions",
        json={"candidate_id": person or world.profile},
        headers=await assertion(world, http, by),
    )
    assert r.status_code == 201, r.status_code
    return str(r.json()["registration_id"])


async def fresh_registration(world: World, http: httpx.AsyncClient, *, started: bool) -> str:
    """Y's person on a new action of Y's; `started`: its session began an hour ago."""
    _, session = await new_action(world, http)
    registration = await register(world, http, session)
    if started:
        # Attendance is recorded once the session has begun, and the API (rightly) takes no
        # session in the past: the database's owner moves it, as time would.
        conn = await asyncpg.connect(load_base_settings().dsn)
        try:
            await conn.execute(
                "update actions.sessions set starts_at = now() - interval '1 hour',"
                " ends_at = now() + interval '2 hours' where session_id = $1::uuid",
                session,
            )
        finally:
            await conn.close()
    return registration


def forged_referent(world: World, v: Victims) -> dict[str, str]:
    """Y's référent, exactly as candidate_profile would assert it, signed with another key."""
    token = issue(FORGED_RING, role="referent", subject=v.referent["Y"], scope=world.structure["Y"])
    return authorization(token)


async def fresh_action(world: World, http: httpx.AsyncClient, v: Victims) -> dict[str, str]:
    action, session = await new_action(world, http)
    return {"action": action, "session": session}


async def closed_action(world: World, http: httpx.AsyncClient, v: Victims) -> dict[str, str]:
    made = await fresh_action(world, http, v)
    r = await http.post(
        f"{world.urls['actions']}/actions/api/actions/{made['action']}/cloture",
        headers=await assertion(world, http, "Y"),
    )
    assert r.status_code == 200, r.status_code
    return made


async def live_registration(world: World, http: httpx.AsyncClient, v: Victims) -> dict[str, str]:
    return {"registration": await fresh_registration(world, http, started=False)}


async def started_registration(world: World, http: httpx.AsyncClient, v: Victims) -> dict[str, str]:
    return {"registration": await fresh_registration(world, http, started=True)}


def import_line(world: World) -> str:
    day = (datetime.now(UTC) + timedelta(days=3000)).strftime("%d/%m/%Y")
    return (
        "reference;type;intitule;metiers;publics;commune;date;heure_debut;heure_fin;places\n"
        f"SEC-{world.run};atelier;Atelier pierre sèche;F1701;tous;31483;{day};09:00;12:00;8\n"
    )


async def y_imported(world: World, http: httpx.AsyncClient, v: Victims) -> dict[str, str]:
    """Y's catalogue holds the reference first: the same reference imported again by Y updates
    it; imported by X, it must make X's own action and leave Y's alone."""
    r = await http.post(
        f"{world.urls['actions']}/actions/api/import",
        content=import_line(world).encode(),
        headers={**await assertion(world, http, "Y"), "Content-Type": "text/csv"},
    )
    assert r.status_code == 200, r.status_code
    return {}


def action_form(world: World, day: datetime) -> dict[str, Any]:
    return {
        "type": "atelier",
        "intitule": f"Atelier pierre sèche {world.run}",
        "metier_1": "F1701",
        "publics": ["tous"],
        "commune": "Saint-Gaudens (31483)",
        "date": f"{day:%Y-%m-%d}",
        "heure_debut": "09:00",
        "heure_fin": "12:00",
        "places": "8",
        "horaires": ["day"],
    }
