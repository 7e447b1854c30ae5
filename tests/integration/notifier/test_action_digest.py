"""E-mails about actions follow the alerts' preferences: a digest référent gets the day's
proposals and freed places in one e-mail at the digest hour, an immediate one waits for the end
of quiet hours, an erased person's are never sent, and nothing goes twice (handlers and queue on
the real PostgreSQL, a fake clock and mail server)."""

# The fixtures of the digest suite are imported; pytest injects them by name.
# ruff: noqa: F811

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from services.notifier.action_delivery import deliver_next_actions
from services.notifier.action_handlers import handle_action_proposed, handle_registration_changed
from services.notifier.delivery import Channels
from services.notifier.domain.schedule import PARIS
from services.notifier.handlers import handle_profile_erased
from tests.action_events import proposal_event, registration_event

from .test_digest import KEY, FakeMail, NoWebhook, _claire, pool  # noqa: F401

pytestmark = pytest.mark.integration


async def _drain(pool: asyncpg.Pool, mail: FakeMail, at: datetime) -> None:
    channels = Channels(email=mail, webhook=NoWebhook(), public_url="http://x", clock=lambda: at)
    while await deliver_next_actions(pool, channels):
        pass


def _mine(mail: FakeMail, to: str) -> list[dict[str, str]]:
    return [m for m in mail.sent if m["to"] == to]


def _address(referent_id: uuid.UUID) -> str:
    return f"{referent_id.hex[:12]}@example.org"


async def _propose(pool: asyncpg.Pool, at: datetime, *args: Any, **kwargs: Any) -> Any:
    event = proposal_event(*args, **kwargs)
    assert await handle_action_proposed(event, pool=pool, hash_key=KEY, clock=lambda: at)
    return event


async def test_the_day_s_proposals_and_freed_places_arrive_in_one_digest_once(
    pool: asyncpg.Pool, unique: str
) -> None:
    at = datetime(2026, 11, 27, 10, tzinfo=PARIS)
    claire = await _claire(
        pool, unique, at, mode="daily_digest", digest_hour=8, quiet_start="20:00",
        quiet_end="07:00",
    )  # fmt: skip
    for title in (f"Couverture {unique}", f"Soudure {unique}"):
        await _propose(pool, at, claire, f"CD31-{unique}", title=title)
    promoted = registration_event(uuid.uuid4(), claire, f"CD31-{unique}", promoted=True)
    assert await handle_registration_changed(promoted, pool=pool, hash_key=KEY, clock=lambda: at)
    mail = FakeMail()
    await _drain(pool, mail, datetime(2026, 11, 28, 7, 59, tzinfo=PARIS))
    assert _mine(mail, _address(claire)) == []  # nothing before the digest hour
    await _drain(pool, mail, datetime(2026, 11, 28, 8, 0, 5, tzinfo=PARIS).astimezone(UTC))
    await _drain(pool, mail, datetime(2026, 11, 28, 9, tzinfo=PARIS))  # again: nothing twice
    [digest] = _mine(mail, _address(claire))
    expected = "Vos actions du jour : Une place s'est libérée · 2 actions proposées"
    assert digest["subject"] == expected
    assert f"Couverture {unique}" in digest["body"] and f"Soudure {unique}" in digest["body"]


async def test_a_proposal_made_in_quiet_hours_waits_for_their_end(
    pool: asyncpg.Pool, unique: str
) -> None:
    at = datetime(2026, 11, 27, 22, tzinfo=PARIS)
    claire = await _claire(
        pool, unique, at, mode="immediate", quiet_start="20:00", quiet_end="07:00"
    )
    await _propose(pool, at, claire, f"CD31-{unique}", title=f"Atelier {unique}")
    mail = FakeMail()
    await _drain(pool, mail, datetime(2026, 11, 27, 22, 1, tzinfo=PARIS))
    assert _mine(mail, _address(claire)) == []
    await _drain(pool, mail, datetime(2026, 11, 28, 7, 0, 5, tzinfo=PARIS))
    [sent] = _mine(mail, _address(claire))
    assert sent["subject"] == "1 action proposée" and f"Atelier {unique}" in sent["body"]


async def test_an_erased_person_s_proposal_is_never_emailed(
    pool: asyncpg.Pool, unique: str
) -> None:
    at = datetime(2026, 11, 27, 10, tzinfo=PARIS)
    claire = await _claire(pool, unique, at, mode="daily_digest", digest_hour=8)
    person = uuid.uuid4()
    await _propose(pool, at, claire, f"CD31-{unique}", candidate_id=person, title=f"A {unique}")
    await _propose(pool, at, claire, f"CD31-{unique}", title=f"B {unique}")
    await handle_profile_erased(person, 2, pool=pool, hash_key=KEY)
    mail = FakeMail()
    await _drain(pool, mail, datetime(2026, 11, 28, 8, 0, 5, tzinfo=PARIS))
    [digest] = _mine(mail, _address(claire))
    assert f"B {unique}" in digest["body"]  # the other person's: sent
    assert f"A {unique}" not in digest["body"] and str(person) not in digest["body"]


async def test_a_session_proposed_again_to_the_same_person_is_kept_and_emailed_once(
    pool: asyncpg.Pool, unique: str
) -> None:
    at = datetime(2026, 11, 27, 10, tzinfo=PARIS)
    claire = await _claire(pool, unique, at, mode="immediate")
    first = await _propose(pool, at, claire, f"CD31-{unique}", title=f"Visite {unique}")
    again = first.model_copy(
        update={"payload": first.payload.model_copy(update={"proposal_id": uuid.uuid4()})}
    )  # another run of the matcher: a new proposal id, the same person and session
    assert not await handle_action_proposed(again, pool=pool, hash_key=KEY, clock=lambda: at)
    assert not await handle_action_proposed(first, pool=pool, hash_key=KEY, clock=lambda: at)
    mail = FakeMail()
    await _drain(pool, mail, datetime(2026, 11, 27, 10, 1, tzinfo=PARIS))
    [sent] = _mine(mail, _address(claire))
    assert sent["body"].count(f"Visite {unique}") == 1
