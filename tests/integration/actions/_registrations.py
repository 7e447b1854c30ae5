"""Fixtures and builders of the registration tests: the actions app over ASGI on the real
PostgreSQL, référents and persons written straight into the replicas, actions and sessions
straight into the catalogue's tables (the catalogue's own API is tested apart)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from services.actions.bootstrap import Services
from services.actions.entrypoints.app import create_app
from services.actions.settings import ActionsSettings
from shared import identity
from shared.contracts import decode_event
from shared.contracts.actions import ActionPublished, RegistrationChanged
from shared.web import sessions
from shared.web.door import IDENTITY_HEADER, door_assertion


@pytest.fixture(scope="session")
async def reg_app() -> AsyncIterator[FastAPI]:
    # A pool wide enough that 20 registrations really run at the same moment.
    app = create_app(ActionsSettings(pool_size=25), relay=False, consume_events=False)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture(scope="session")
def reg_services(reg_app: FastAPI) -> Services:
    services: Services = reg_app.state.services
    return services


@pytest.fixture
async def reg_client(reg_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=reg_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://actions") as client:
        yield client


@dataclass
class Referent:
    referent_id: uuid.UUID
    structure: str
    api: dict[str, str]  # the JSON API's Authorization header
    page_headers: dict[str, str]  # the front door's identity header
    cookies: dict[str, str]
    csrf: str

    @property
    def page(self) -> dict[str, str]:
        """The headers of a page's request through the front door: identity and session."""
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**self.page_headers, "Cookie": cookie}


async def new_referent(services: Services, structure: str) -> Referent:
    referent_id = uuid.uuid4()
    async with services.pool.acquire() as conn:
        await conn.execute(
            "insert into actions.referents (referent_id, structure, name, email)"
            " values ($1, $2, 'Claire Test', $3)",
            referent_id,
            structure,
            f"claire.{referent_id.hex[:12]}@example.org",
        )
    keyring = services.keyring
    bearer = identity.issue(
        keyring,
        role="referent",
        subject=str(referent_id),
        scope=structure,
        lifetime=timedelta(minutes=15),
    )
    session_id = uuid.uuid4()
    return Referent(
        referent_id=referent_id,
        structure=structure,
        api={"Authorization": f"Bearer {bearer}"},
        page_headers={
            IDENTITY_HEADER: door_assertion(keyring, referent_id=referent_id, structure=structure)
        },
        cookies={sessions.COOKIE: sessions.cookie_value(keyring, session_id)},
        csrf=sessions.csrf_token(keyring, session_id),
    )


async def new_person(
    services: Services,
    referent: Referent,
    *,
    shared_with: list[str] | None = None,
    consent_days: int = 300,
    commune: str = "31555",
) -> uuid.UUID:
    candidate_id = uuid.uuid4()
    async with services.pool.acquire() as conn:
        await conn.execute(
            "insert into actions.persons (candidate_id, version, referent_id, structure,"
            " shared_with, commune_insee, consent_expires_at) values ($1, 1, $2, $3, $4, $5, $6)",
            candidate_id,
            referent.referent_id,
            referent.structure,
            shared_with or [],
            commune,
            datetime.now(UTC) + timedelta(days=consent_days),
        )
    return candidate_id


@dataclass
class Offer:
    action_id: uuid.UUID
    session_id: uuid.UUID


async def new_action(
    services: Services,
    provider: Referent,
    *,
    capacity: int = 2,
    starts_in: timedelta = timedelta(days=10),
    title: str = "Découvrir les métiers du BTP",
) -> Offer:
    action_id, session_id = uuid.uuid4(), uuid.uuid4()
    starts = datetime.now(UTC) + starts_in
    async with services.pool.acquire() as conn:
        await conn.execute(
            "insert into actions.actions (action_id, kind, provider_structure, title, description,"
            " rome_codes, publics, commune_insee, prerequisites, accessibility, created_by)"
            " values ($1, 'decouverte_metiers', $2, $3, 'Une matinée sur un chantier école.',"
            " '{F1703}', '{tous,50_ans_et_plus}', '31555', 'Aucun', 'Accessible PMR', $4)",
            action_id,
            provider.structure,
            title,
            provider.referent_id,
        )
        await conn.execute(
            "insert into actions.sessions (session_id, action_id, starts_at, ends_at, capacity)"
            " values ($1, $2, $3, $4, $5)",
            session_id,
            action_id,
            starts,
            starts + timedelta(hours=3),
            capacity,
        )
    return Offer(action_id, session_id)


async def start_session(services: Services, session_id: uuid.UUID) -> None:
    """The session began an hour ago (attendance can be recorded)."""
    async with services.pool.acquire() as conn:
        await conn.execute(
            "update actions.sessions set starts_at = now() - interval '1 hour',"
            " ends_at = now() + interval '2 hours' where session_id = $1",
            session_id,
        )


async def places(services: Services, session_id: uuid.UUID) -> tuple[int, int]:
    """(sessions.registered, the registrations holding a place) of a session."""
    async with services.pool.acquire() as conn:
        row = await conn.fetchrow(
            "select s.registered, (select count(*) from actions.registrations r"
            " where r.session_id = s.session_id and r.status in ('inscrit', 'present', 'absent'))"
            " as holding from actions.sessions s where s.session_id = $1",
            session_id,
        )
    assert row is not None
    return row["registered"], row["holding"]


async def statuses(services: Services, session_id: uuid.UUID) -> dict[uuid.UUID, dict[str, Any]]:
    async with services.pool.acquire() as conn:
        rows = await conn.fetch(
            "select registration_id, candidate_id, status, waiting_since"
            " from actions.registrations where session_id = $1",
            session_id,
        )
    return {r["registration_id"]: dict(r) for r in rows}


async def changes(services: Services, registration_id: uuid.UUID) -> list[RegistrationChanged]:
    """The RegistrationChanged of a registration queued in the outbox, in order."""
    async with services.pool.acquire() as conn:
        rows: list[asyncpg.Record] = await conn.fetch(
            "select value from actions.outbox where topic = 'spie.registrations.v1' order by id"
        )
    found = [decode_event(r["value"]) for r in rows]
    return [
        e
        for e in found
        if isinstance(e, RegistrationChanged) and e.payload.registration_id == registration_id
    ]


async def last_published(services: Services, action_id: uuid.UUID) -> ActionPublished:
    """The action as the outbox last queued it (what the matcher reads)."""
    async with services.pool.acquire() as conn:
        rows = await conn.fetch(
            "select value from actions.outbox where topic = 'spie.actions.v1' and key = $1"
            " order by id desc limit 1",
            str(action_id).encode(),
        )
    (event,) = [decode_event(r["value"]) for r in rows]
    assert isinstance(event, ActionPublished)
    return event
