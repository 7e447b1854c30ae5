"""The persons replica (spie.candidates.v1) on the real PostgreSQL: the latest version wins,
and an erasure or a lapsed consent cancels the person's registrations and forgets them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.actions.adapters import persons_repo
from services.actions.bootstrap import Services
from services.actions.handlers.coordination import record_proposals
from services.actions.handlers.replicas import record_persons
from shared.contracts.profiles import (
    ConsentState,
    ProfileErased,
    ProfileErasedPayload,
    ProfilePayload,
    ProfileUpserted,
)
from tests.integration.actions._coordination import proposed
from tests.integration.actions._registrations import (
    new_action,
    new_referent,
    places,
    reg_app,
    reg_client,
    reg_services,
    statuses,
)

pytestmark = pytest.mark.integration
__all__ = ["reg_app", "reg_client", "reg_services"]


def upserted(
    candidate_id: uuid.UUID,
    referent_id: uuid.UUID,
    structure: str,
    *,
    version: int,
    withdrawn: bool = False,
) -> ProfileUpserted:
    now = datetime.now(UTC)
    consent = ConsentState(
        granted_at=now - timedelta(days=1),
        expires_at=now + timedelta(days=300),
        withdrawn_at=now if withdrawn else None,
    )
    return ProfileUpserted(
        producer="tests",
        payload=ProfilePayload(
            candidate_id=candidate_id,
            version=version,
            referent_id=referent_id,
            structure=structure,
            consent=consent,
            desired_jobs=["Maçonne"],
            commune_insee="31555" if version == 1 else "31069",
            mobility_km=20,
        ),
    )


async def test_the_latest_version_of_a_profile_wins(reg_services: Services) -> None:
    candidate_id, referent_id = uuid.uuid4(), uuid.uuid4()
    newer = upserted(candidate_id, referent_id, "CD31", version=2)
    older = upserted(candidate_id, referent_id, "CD31", version=1)

    await record_persons(reg_services, [newer, older])

    async with reg_services.pool.acquire() as conn:
        person = await persons_repo.get(conn, candidate_id)
    assert person is not None and person.commune_insee == "31069"  # version 2's


async def test_an_erased_profile_loses_its_place_to_the_first_waiting(
    reg_services: Services, reg_client: httpx.AsyncClient
) -> None:
    provider = await new_referent(reg_services, f"AFPA-{uuid.uuid4().hex[:6]}")
    own = await new_referent(reg_services, f"CD31-{uuid.uuid4().hex[:6]}")
    offer = await new_action(reg_services, provider, capacity=1)
    leaving, staying = uuid.uuid4(), uuid.uuid4()
    await record_persons(
        reg_services,
        [upserted(p, own.referent_id, own.structure, version=1) for p in (leaving, staying)],
    )
    for person in (leaving, staying):
        r = await reg_client.post(
            f"/actions/api/sessions/{offer.session_id}/inscriptions",
            headers=own.api,
            json={"candidate_id": str(person)},
        )
        assert r.status_code == 201

    erased = ProfileErased(
        producer="tests",
        payload=ProfileErasedPayload(candidate_id=leaving, version=2, reason="withdrawn"),
    )
    # What the coordination view keeps of each (a proposal): the erasure takes the erased one's.
    when = datetime.now(UTC) - timedelta(days=1)
    await record_proposals(
        reg_services, [proposed(p, "F1703", when, discovery=True) for p in (leaving, staying)]
    )
    await record_persons(reg_services, [erased])

    rows = list((await statuses(reg_services, offer.session_id)).values())
    assert sorted((r["candidate_id"] is None, r["status"]) for r in rows) == [
        (False, "inscrit"),  # the one who waited
        (True, "annule"),  # the erased person, no longer named
    ]
    assert await places(reg_services, offer.session_id) == (1, 1)
    async with reg_services.pool.acquire() as conn:
        kept = await conn.fetch(
            "select candidate_id from actions.coordination_proposals"
            " where candidate_id = any($1::uuid[])",
            [leaving, staying],
        )
    assert [r["candidate_id"] for r in kept] == [staying]


async def test_a_profile_whose_consent_was_withdrawn_is_removed_like_an_erased_one(
    reg_services: Services,
) -> None:
    candidate_id, referent_id = uuid.uuid4(), uuid.uuid4()
    await record_persons(reg_services, [upserted(candidate_id, referent_id, "CD31", version=1)])
    async with reg_services.pool.acquire() as conn:
        assert await persons_repo.get(conn, candidate_id) is not None  # positive control

    withdrawn = upserted(candidate_id, referent_id, "CD31", version=2, withdrawn=True)
    await record_persons(reg_services, [withdrawn])

    async with reg_services.pool.acquire() as conn:
        assert await persons_repo.get(conn, candidate_id) is None
