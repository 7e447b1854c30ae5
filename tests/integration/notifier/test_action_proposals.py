"""The banque d'actions commune in the inbox, on the real Kafka and PostgreSQL and a real SMTP
server on loopback: proposals reach the right référent (and only them) with one e-mail, their
follow-up is published, a freed place is told to the référent who registered the person, and
erasure redacts it all."""

# The fixtures of the notifier's suite are imported (one app, one SMTP sink, one consumer group);
# pytest then injects them by name, which ruff reads as redefinitions.
# ruff: noqa: F811

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from faststream.kafka import KafkaBroker

from shared.contracts import ProfileErased, decode_event
from shared.kafka.broker import publish_event
from shared.topics import ACTION_FEEDBACK, ACTION_PROPOSALS
from tests.action_events import proposal_event, registration_event

from .helpers import (
    SmtpInbox,
    TopicWatcher,
    body_of,
    eventually,
    known_referent,
    profile_shared,
    referent_event,
)
from .test_notifier import (  # noqa: F401
    app,
    broker,
    csrf_of,
    db,
    notifier_settings,
    signed_in,
    smtp,
)

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture(scope="module")
async def watch_actions(kafka_bootstrap: str) -> AsyncIterator[dict[str, TopicWatcher]]:
    watchers = {
        t.name: TopicWatcher(kafka_bootstrap, t.name, t.partitions)
        for t in (ACTION_FEEDBACK, ACTION_PROPOSALS.dlq)
    }
    for w in watchers.values():
        await w.start()
    yield watchers
    for w in watchers.values():
        await w.stop()


def address(referent_id: uuid.UUID) -> str:
    return f"{referent_id.hex[:12]}@example.org"


async def stored(db: asyncpg.Connection, proposal_id: uuid.UUID) -> Any:
    return await eventually(
        lambda: db.fetchrow(
            "select * from notifier.action_proposals where proposal_id = $1", proposal_id
        )
    )


async def test_a_proposal_reaches_its_referent_once_by_inbox_and_email_and_not_another_structure(
    app: Any,
    notifier_settings: Any,
    broker: KafkaBroker,
    smtp: SmtpInbox,
    db: asyncpg.Connection,
    unique: str,
) -> None:
    mine = await known_referent(broker, db, f"CD31-{unique}")
    other = await known_referent(broker, db, f"FT-{unique}")
    proposal = proposal_event(mine, f"CD31-{unique}", title=f"Couverture {unique}")
    theirs = proposal_event(other, f"FT-{unique}", title=f"Peinture {unique}", discovery=False)
    await publish_event(broker, proposal)
    await publish_event(broker, proposal)  # the very same event, replayed
    await publish_event(broker, theirs)
    await stored(db, theirs.payload.proposal_id)
    row = await stored(db, proposal.payload.proposal_id)
    assert row["discovery"] is True
    await eventually(lambda: _now(smtp.to(address(mine))))
    await asyncio.sleep(2)  # time for a duplicate e-mail to show up, if one were sent
    [mail] = smtp.to(address(mine))
    body = body_of(mail)
    assert f"Couverture {unique}" in body and "Métier à découvrir : Couvreur" in body
    p = proposal.payload
    assert f"/actions/{p.action_id}?session={p.session_id}&personne={p.candidate_id}" in body
    assert mail["Subject"] == "1 action proposée"
    async with signed_in(app, notifier_settings, mine) as client:
        page = (await client.get("/boite")).text
    assert f"Couverture {unique}" in page
    assert "Métier à découvrir" in page and "Découverte des métiers" in page
    assert f'data-prenom="{p.candidate_id}"' in page
    assert "12 offres ouvertes à moins de 20 km" in page
    assert f"/actions/{p.action_id}?session={p.session_id}&amp;personne={p.candidate_id}" in page
    assert f"Peinture {unique}" not in page
    async with signed_in(app, notifier_settings, other) as client:
        page = (await client.get("/boite")).text
    assert f"Peinture {unique}" in page and "Métier souhaité" in page  # their own: shown
    assert f"Couverture {unique}" not in page  # another structure's person: never


async def _now(value: Any) -> Any:
    return value


async def test_a_shared_person_s_proposal_is_in_the_partner_s_inbox_too(
    app: Any, notifier_settings: Any, broker: KafkaBroker, db: asyncpg.Connection, unique: str
) -> None:
    mine = await known_referent(broker, db, f"CD31-{unique}", email=False)
    partner = await known_referent(broker, db, f"MLT-{unique}", email=False)
    stranger = await known_referent(broker, db, f"CAP-{unique}", email=False)
    proposal = proposal_event(
        mine, f"CD31-{unique}", shared_with=[f"MLT-{unique}"], title=f"Atelier {unique}"
    )
    await publish_event(broker, proposal)
    await stored(db, proposal.payload.proposal_id)
    async with signed_in(app, notifier_settings, partner) as client:
        assert f"Atelier {unique}" in (await client.get("/boite")).text
    async with signed_in(app, notifier_settings, stranger) as client:
        assert f"Atelier {unique}" not in (await client.get("/boite")).text
    unshared = profile_shared(proposal.payload.candidate_id, mine, f"CD31-{unique}", [], version=2)
    await publish_event(broker, unshared)  # the person withdrew the sharing
    await eventually(
        lambda: db.fetchval(
            "select 1 from notifier.action_proposals where proposal_id = $1 and shared_with = '{}'",
            proposal.payload.proposal_id,
        )
    )
    async with signed_in(app, notifier_settings, partner) as client:
        assert f"Atelier {unique}" not in (await client.get("/boite")).text
    async with signed_in(app, notifier_settings, mine) as client:
        assert f"Atelier {unique}" in (await client.get("/boite")).text  # their own: kept


async def test_a_proposal_for_a_referent_not_known_yet_is_emailed_once_they_are(
    app: Any, broker: KafkaBroker, smtp: SmtpInbox, db: asyncpg.Connection, unique: str
) -> None:
    referent_id = uuid.uuid4()
    proposal = proposal_event(referent_id, f"CD31-{unique}", title=f"Soudure {unique}")
    await publish_event(broker, proposal)
    await stored(db, proposal.payload.proposal_id)
    await asyncio.sleep(1)
    assert smtp.to(address(referent_id)) == []  # nobody to write to yet
    await publish_event(broker, referent_event(referent_id, f"CD31-{unique}", "Léa Roux"))
    [mail] = await eventually(lambda: _now(smtp.to(address(referent_id))))
    assert f"Soudure {unique}" in body_of(mail) and "Bonjour Léa Roux" in body_of(mail)


async def test_pas_pertinent_needs_a_reason_and_then_publishes_the_follow_up_with_it(
    app: Any,
    notifier_settings: Any,
    broker: KafkaBroker,
    db: asyncpg.Connection,
    watch_actions: dict[str, TopicWatcher],
    unique: str,
) -> None:
    mine = await known_referent(broker, db, f"CD31-{unique}", email=False)
    other = await known_referent(broker, db, f"FT-{unique}", email=False)
    proposal = proposal_event(mine, f"CD31-{unique}", remote=True)
    await publish_event(broker, proposal)
    pid = proposal.payload.proposal_id
    await stored(db, pid)
    url = f"/boite/actions/{pid}/suivi"
    async with signed_in(app, notifier_settings, other) as client:
        page = (await client.get("/boite")).text
        refused = await client.post(url, data={"decision": "inscrit", "csrf": csrf_of(page)})
        assert refused.status_code == 404  # not theirs to see, so not theirs to follow up
    async with signed_in(app, notifier_settings, mine) as client:
        page = (await client.get("/boite")).text
        assert "à distance" in page
        badges = f"/boite/api/nouvelles?ids={proposal.payload.candidate_id}"
        assert (await client.get(badges)).json() == {str(proposal.payload.candidate_id): 1}
        forged = await client.post(url, data={"decision": "inscrit", "csrf": "0" * 64})
        assert forged.status_code == 403
        no_reason = await client.post(
            url, data={"decision": "pas_pertinent", "csrf": csrf_of(page)}
        )
        assert no_reason.status_code == 422
        assert "choisissez un motif" in no_reason.text
        done = await client.post(
            url, data={"decision": "pas_pertinent", "reason": "trop_loin", "csrf": csrf_of(page)}
        )
        assert done.status_code == 303
        page = (await client.get("/boite")).text
        assert "Pas pertinent" in page and "(Trop loin)" in page
        assert (await client.get(badges)).json() == {}  # followed up: no longer awaiting
        fragment = (await client.get(f"/boite/personnes/{proposal.payload.candidate_id}")).text
        assert "Découvrir les métiers de la couverture" in fragment and "(Trop loin)" in fragment
    [record] = await watch_actions[ACTION_FEEDBACK.name].find(
        lambda r: str(pid).encode() in (r.value or b"")
    )
    feedback = decode_event(record.value).payload
    assert feedback.decision == "pas_pertinent" and feedback.reason == "trop_loin"  # type: ignore[attr-defined]
    assert feedback.discovery is True and feedback.rome_code == "F1610"  # type: ignore[attr-defined]
    assert feedback.referent_id == mine  # type: ignore[attr-defined]


async def test_a_promoted_registration_tells_the_referent_who_registered_by_inbox_and_email(
    app: Any,
    notifier_settings: Any,
    broker: KafkaBroker,
    smtp: SmtpInbox,
    db: asyncpg.Connection,
    unique: str,
) -> None:
    mine = await known_referent(broker, db, f"CD31-{unique}")
    person = uuid.uuid4()
    registration = uuid.uuid4()
    for version, status, promoted in ((1, "liste_attente", False), (2, "inscrit", True)):
        event = registration_event(
            person, mine, f"CD31-{unique}", status=status, version=version,
            registration_id=registration, promoted=promoted, title=f"Visite {unique}",
        )  # fmt: skip
        await publish_event(broker, event)
    await publish_event(broker, event)  # the promotion, replayed
    later = registration_event(
        person, mine, f"CD31-{unique}", status="inscrit", version=3,
        registration_id=registration, promoted=True, title=f"Visite {unique}",
    )  # fmt: skip
    await publish_event(broker, later)  # a later version still saying promoted: told once
    await eventually(lambda: _now(smtp.to(address(mine))))
    await asyncio.sleep(2)
    [mail] = smtp.to(address(mine))
    body = body_of(mail)
    assert mail["Subject"] == "Une place s'est libérée"
    assert "la personne que vous avez inscrite est maintenant inscrite" in body
    assert f"« Visite {unique} » du 12/01/2027 à 09:00" in body
    assert "/boite" in body
    count = await db.fetchval(
        "select count(*) from notifier.place_notices where registration_id = $1", registration
    )
    assert count == 1  # the waiting-list entry told nothing; the promotion once
    async with signed_in(app, notifier_settings, mine) as client:
        page = (await client.get("/boite")).text
    assert "Une place s'est libérée" in page and f"« Visite {unique} »" in page
    assert f'data-prenom="{person}"' in page


async def test_erasure_redacts_the_person_s_proposals_and_place_notices(
    app: Any, notifier_settings: Any, broker: KafkaBroker, db: asyncpg.Connection, unique: str
) -> None:
    mine = await known_referent(broker, db, f"CD31-{unique}", email=False)
    person = uuid.uuid4()
    proposal = proposal_event(mine, f"CD31-{unique}", candidate_id=person, title=f"Job {unique}")
    kept = proposal_event(mine, f"CD31-{unique}", title=f"Autre {unique}")
    promoted = registration_event(
        person, mine, f"CD31-{unique}", promoted=True, title=f"Immersion {unique}"
    )
    for event in (proposal, kept, promoted):
        await publish_event(broker, event)
    await stored(db, kept.payload.proposal_id)
    await stored(db, proposal.payload.proposal_id)
    await eventually(
        lambda: db.fetchval("select 1 from notifier.place_notices where candidate_id = $1", person)
    )
    erased = ProfileErased(
        producer="test", payload={"candidate_id": person, "version": 2, "reason": "withdrawn"}
    )
    await publish_event(broker, erased)
    await eventually(
        lambda: db.fetchval(
            "select 1 from notifier.action_proposals where proposal_id = $1"
            " and redacted_at is not null",
            proposal.payload.proposal_id,
        )
    )
    for table in ("action_proposals", "place_notices"):
        left = await db.fetchval(
            f"select count(*) from notifier.{table} where candidate_id = $1",
            person,
        )
        assert left == 0, table
    await publish_event(broker, proposal)  # replayed after erasure: never comes back
    async with signed_in(app, notifier_settings, mine) as client:
        page = (await client.get("/boite")).text
        fragment = (await client.get(f"/boite/personnes/{person}")).text
    assert str(person) not in page and "Profil supprimé" in page
    assert "supprimé" in page and f"« Immersion {unique} »" not in page
    assert f"Autre {unique}" in page  # another person's proposal stays as it was
    assert f"Job {unique}" not in fragment


async def test_a_proposal_that_is_not_one_goes_to_the_dead_letters_with_its_reason(
    app: Any, broker: KafkaBroker, watch_actions: dict[str, TopicWatcher], unique: str
) -> None:
    key = f"poison-{unique}".encode()
    await broker.publish(b'{"event_type": "ActionProposed"}', ACTION_PROPOSALS.name, key=key)
    [record] = await watch_actions[ACTION_PROPOSALS.dlq.name].find(lambda r: r.key == key)
    assert dict(record.headers)["dlq.reason"].startswith(b"invalid ActionProposed")
