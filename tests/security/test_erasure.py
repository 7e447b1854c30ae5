"""Withdrawn consent erases the person everywhere, within the bounds the README states.

A profile with a distinctive first name and distinctive words, shared with a second structure,
is matched, alerted by e-mail and in the inbox, and given feedback; then consent is withdrawn.
The same scan runs before (it must find the person in each place: the scan can see) and after:
every table of every schema, every outbox, the index files, every topic read from its start.
After, nothing but the keyed hash, except where a stated bound allows it (then the bound is what
the broker or the service is configured with, and what the README says).
"""

from __future__ import annotations

import asyncio
import random
import re
import string
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.matcher.settings import MatcherSettings
from shared.contracts import ProfileErased, decode_event
from shared.kafka.admin import topic_configs
from shared.kafka.reader import partitions_of, read_to_end
from shared.settings import load_base_settings
from shared.topics import ALERTS, CANDIDATES, DAY_MS, Topic, all_topics

from .conftest import REPO, AttackLedger

pytestmark = pytest.mark.security
T = TypeVar("T")
MAIL = REPO / ".stack" / "mail"
INDEX = REPO / ".stack" / "matcher" / "index"
KEEP_SECONDS = load_base_settings().outbox_keep_seconds
SKIP_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


def _cli(module: str, *args: str) -> tuple[str, str]:
    done = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, check=True, cwd=REPO
    )
    return done.stdout, done.stderr


def _letters(n: int) -> str:
    return "".join(random.choices(string.ascii_lowercase, k=n))


async def _eventually(check: Callable[[], Awaitable[T]], *, within: float = 90) -> T:
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("waited in vain")
        await asyncio.sleep(1)


@dataclass
class Person:
    candidate_id: str
    first_name: str
    words: tuple[str, ...]

    @property
    def needles(self) -> list[str]:
        """Lower-case texts to look for; the id as text (the uuid bytes for the index files)."""
        return [self.candidate_id, self.first_name.lower(), *self.words]


@dataclass
class Found:
    """What a scan found, by place: each hit as (where, detail)."""

    hits: dict[str, list[str]] = field(default_factory=dict)

    def add(self, place: str, detail: str) -> None:
        self.hits.setdefault(place, []).append(detail)


# -- the scans -----------------------------------------------------------------------------------


async def _tables(conn: asyncpg.Connection) -> list[tuple[str, str]]:
    rows = await conn.fetch(
        "select table_schema, table_name from information_schema.tables"
        " where table_type = 'BASE TABLE' and table_schema <> all($1::text[])"
        " order by 1, 2",
        list(SKIP_SCHEMAS),
    )
    return [(r["table_schema"], r["table_name"]) for r in rows]


async def scan_database(person: Person) -> Found:
    """Every row of every table, as text (a bytea column shows as hex: the needles too)."""
    found = Found()
    needles = person.needles + [n.encode().hex() for n in person.needles]
    conn = await asyncpg.connect(load_base_settings().dsn)
    try:
        for schema, table in await _tables(conn):
            rows = await conn.fetch(
                f'select x::text as row from "{schema}"."{table}" x'
                " where exists (select 1 from unnest($1::text[]) n"
                " where strpos(lower(x::text), n) > 0)",
                needles,
            )
            for r in rows:
                found.add(f"{schema}.{table}", r["row"][:300])
    finally:
        await conn.close()
    return found


async def outbox_rows(person: Person) -> list[asyncpg.Record]:
    """Each outbox row that holds the person's id or words, with its schema."""
    conn = await asyncpg.connect(load_base_settings().dsn)
    try:
        schemas = [s for s, t in await _tables(conn) if t == "outbox"]
        rows: list[asyncpg.Record] = []
        for schema in schemas:
            rows += await conn.fetch(
                f"select $2::text as schema, key, value, published_at from {schema}.outbox"
                " where exists (select 1 from unnest($1::text[]) n where strpos("
                " lower(convert_from(coalesce(key, '') || coalesce(value, ''), 'UTF8')), n) > 0)",
                person.needles,
                schema,
            )
        return rows
    finally:
        await conn.close()


def scan_index(person: Person) -> Found:
    found = Found()
    needles = [n.encode() for n in person.needles] + [uuid.UUID(person.candidate_id).bytes]
    for path in INDEX.rglob("*") if INDEX.exists() else []:
        if path.is_file():
            data = path.read_bytes().lower()
            for needle in needles:
                if needle.lower() in data:
                    found.add("index", f"{path.relative_to(INDEX)}: {needle!r}")
    return found


async def read_from_start(topic: str) -> list[Any]:
    bootstrap = load_base_settings().kafka_bootstrap
    parts = [TopicPartition(topic, p) for p in await partitions_of(bootstrap, topic)]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        starts = await consumer.beginning_offsets(parts)
        return await read_to_end(consumer, starts)
    finally:
        await consumer.stop()


async def scan_topics(person: Person, also: list[str]) -> Found:
    """Every record of every topic from its start; `also`: more texts that prove the read."""
    found = Found()
    needles = [n.encode() for n in person.needles + also]
    for topic in all_topics():
        for record in await read_from_start(topic.name):
            data = ((record.key or b"") + b"|" + (record.value or b"")).lower()
            for needle in needles:
                if needle.lower() in data:
                    found.add(topic.name, needle.decode())
    return found


# -- the bounds ----------------------------------------------------------------------------------


def readme_bound(place: str) -> str:
    """The bound the README's erasure table gives for `place` (its last column)."""
    text = (REPO / "README.md").read_text()
    section = text.split("### Erasure: where, and within what bound", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    [line] = [row for row in rows if row.startswith(f"| `{place}`")]
    return line.strip().strip("|").split("|")[-1].strip()


def days(ms: int) -> str:
    return f"{ms / DAY_MS:g} days" if ms != DAY_MS else "1 day"


async def assert_topic_bound(topic: Topic) -> None:
    """The broker applies the declared configuration, whose bound is the README's."""
    actual = (await topic_configs(load_base_settings().kafka_bootstrap, [topic.name]))[topic.name]
    assert {k: actual[k] for k in topic.config} == topic.config, topic.name
    assert topic.erasure_bound_ms is not None, topic.name
    assert readme_bound(topic.name) == days(topic.erasure_bound_ms), topic.name


# -- the story -----------------------------------------------------------------------------------


@dataclass
class Story:
    person: Person
    match_id: str
    alert_id: str
    email: str
    employer: str
    bearer: dict[str, str]


async def _referent(structure: str, name: str) -> tuple[dict[str, str], str, str]:
    email = f"{name.split()[0].lower()}.{structure.lower()}@erasure.cd31.fr"
    out, err = _cli(
        "services.candidate_profile", "create-referent", "--structure", structure,
        "--email", email, "--name", name,
    )  # fmt: skip
    token = re.search(r"inbox sign-in token (\S+)", err)
    assert token is not None
    return {"Authorization": f"Bearer {out.strip().splitlines()[-1]}"}, token.group(1), email


async def live_the_story(urls: dict[str, str], http: httpx.AsyncClient) -> Story:
    run = uuid.uuid4().hex[:8]
    first_name, skill_word, experience_word = _letters(9).title(), _letters(11), _letters(12)
    employer = f"Maçonnerie Effacement {run}"
    bearer, inbox_token, email = await _referent(f"ERA{run}", "Odile Marchand")
    await _referent(f"ERB{run}", "Paul Sabatier")  # the structure the profile is shared with
    r = await http.put(
        f"{urls['candidate_profile']}/referents/me/preferences",
        headers=bearer,
        json={"mode": "immediate", "quiet_start": None, "quiet_end": None},
    )
    assert r.status_code == 200, r.text
    expires = (datetime.now(UTC) + timedelta(days=300)).isoformat()
    r = await http.post(
        f"{urls['candidate_profile']}/profiles",
        headers=bearer,
        json={
            "first_name": first_name,
            "desired_jobs": ["Maçonne"],
            "commune_insee": "31555",
            "experience": f"Trois ans de gros œuvre, murs en briques {experience_word}.",
            "skills": ["lecture de plans", "montage de murs", f"pose {skill_word}"],
            "mobility_km": 30,
            "has_driving_licence": True,
            "consent": {"purposes": ["matching", "sharing_with_partners"], "expires_at": expires},
        },
    )
    assert r.status_code == 201, r.text
    candidate_id = r.json()["candidate_id"]
    r = await http.post(
        f"{urls['candidate_profile']}/profiles/{candidate_id}/shares",
        headers=bearer,
        json={"structure": f"ERB{run}"},
    )
    assert r.status_code == 200, r.text
    await asyncio.sleep(2)  # the profile reaches the matcher's index first
    key, _ = _cli("services.employer_intake", "create-api-key", "--federation", f"ERA{run}")
    r = await http.post(
        f"{urls['employer_intake']}/needs",
        headers={"X-API-Key": key.strip().splitlines()[-1]},
        json={
            "employer_name": employer,
            "title": "Maçon / Maçonne",
            "siret": f"{int(run, 16) % 10**14:014d}",
            "description": "Rénovation de maisons de ville à Tournefeuille.",
            "skills": ["lecture de plans", "montage de murs"],
            "commune_insee": "31557",
            "contract_type": "CDD",
            "hours_per_week": 35,
            "schedules": ["day"],
        },
    )
    assert r.status_code == 201, r.text

    async def the_mail() -> bool:
        """The alert e-mail of this need (the profile also fits needs of other tests)."""
        return any(_mail_about(p, email, employer) for p in MAIL.glob("*.eml"))

    await _eventually(the_mail)
    alert_id, match_id = await give_feedback(urls["notifier"], inbox_token, employer)
    person = Person(candidate_id, first_name, (skill_word, experience_word))
    return Story(person, match_id, alert_id, email, employer, bearer)


def _mail_about(path: Path, address: str, about: str) -> bool:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    text = message.get_body(preferencelist=("plain",))
    return (
        address in str(message.get("To", "")) and text is not None and about in text.get_content()
    )


async def give_feedback(inbox: str, token: str, employer: str) -> tuple[str, str]:
    async with httpx.AsyncClient(base_url=inbox, timeout=30) as browser:
        r = await browser.post("/connexion", data={"jeton": token}, follow_redirects=True)
        assert r.status_code == 200 and employer in r.text
        ours = next(c for c in r.text.split('id="alerte-')[1:] if employer in c)
        alert_id = ours[:36]
        csrf = re.search(r'name="csrf" value="([^"]+)"', r.text)
        assert csrf is not None
        r = await browser.post(
            f"/alertes/{alert_id}/suivi",
            data={"decision": "contacted", "csrf": csrf.group(1)},
            follow_redirects=True,
        )
        assert r.status_code == 200
    conn = await asyncpg.connect(load_base_settings().dsn)
    try:
        match_id = await conn.fetchval(
            "select match_id::text from notifier.alerts where alert_id = $1", uuid.UUID(alert_id)
        )
    finally:
        await conn.close()
    return alert_id, match_id


async def wait_for_erasure(person: Person) -> None:
    """Until the matcher and the notifier have handled the erasure."""
    conn = await asyncpg.connect(load_base_settings().dsn)
    cid = uuid.UUID(person.candidate_id)
    try:

        async def handled() -> bool:
            left = await conn.fetchval(
                "select (select count(*) from matcher.matches where candidate_id = $1)"
                " + (select count(*) from notifier.alerts where candidate_id = $1)"
                " + (select count(*) from profiles.profiles where candidate_id = $1)",
                cid,
            )
            return left == 0

        await _eventually(handled)
    finally:
        await conn.close()


# -- the test ------------------------------------------------------------------------------------


async def test_withdrawn_consent_leaves_no_trace_of_the_person_beyond_the_stated_bounds(
    service_urls: dict[str, str], attacks: AttackLedger
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        story = await live_the_story(service_urls, http)
        person = story.person

        # Before: the scan sees the person in each place (or the read works, for a place that
        # never holds them: the alerts topic, through the alert's match id).
        before_db = await scan_database(person)
        for schema in ("profiles", "matcher", "notifier"):
            assert any(p.startswith(f"{schema}.") for p in before_db.hits), schema
        assert await outbox_rows(person)
        assert await _eventually(lambda: _async(scan_index(person).hits))
        before_topics = await scan_topics(person, [story.match_id])
        for topic in ("spie.candidates.v1", "spie.matches.v1", "spie.feedback.v1"):
            assert person.candidate_id in before_topics.hits.get(topic, []), topic
        assert story.match_id in before_topics.hits.get(ALERTS.name, [])
        assert set(person.words) <= set(before_topics.hits[CANDIDATES.name])
        profile_rows = [
            h for p, hs in before_db.hits.items() if p.startswith("profiles.") for h in hs
        ]
        assert any(person.first_name in h for h in profile_rows)  # the name, never published

        r = await http.post(
            f"{service_urls['candidate_profile']}/profiles/{person.candidate_id}/consent/withdraw",
            headers=story.bearer,
            json={"purposes": ["matching"]},
        )
        assert r.status_code == 200, r.text
    await wait_for_erasure(person)

    # Every table of every schema: nothing, but the outbox rows of the erasure itself.
    after_db = await scan_database(person)
    for table in sorted({f"{s}.{t}" for s, t in await _all_tables()}):
        hits = [h for h in after_db.hits.get(table, []) if not table.endswith(".outbox")]
        attacks.record(f"erasure: table {table}", person.candidate_id, got_through=bool(hits),
                       detail="; ".join(hits)[:300])  # fmt: skip
        assert hits == [], table

    # Outboxes: only ProfileErased and its tombstone, with the id alone, until the bound.
    for row in await outbox_rows(person):
        lawful = _erasure_record(row["value"]) and (
            row["published_at"] is None
            or row["published_at"] > datetime.now(UTC) - timedelta(seconds=KEEP_SECONDS)
        )
        attacks.record(f"erasure: outbox {row['schema']}", person.candidate_id,
                       got_through=not lawful, detail=repr(row["value"])[:200])  # fmt: skip
        assert lawful, row
    assert readme_bound("outboxes") == f"{KEEP_SECONDS:g} s"

    # The index files: the point is deleted at once; its bytes go at the daily rewrite.
    index_hits = scan_index(person).hits.get("index", [])
    rewritten_daily = MatcherSettings().index_merge_hour is not None
    attacks.record("erasure: index files", str(INDEX),
                   got_through=bool(index_hits) and not rewritten_daily,
                   detail=f"{len(index_hits)} hits until the daily rewrite")  # fmt: skip
    assert rewritten_daily or not index_hits
    assert readme_bound("index files") == "1 day"

    # Topics from their start: a place may keep the person only within its configured bound.
    after_topics = await scan_topics(person, [])
    for topic in all_topics():
        hits = after_topics.hits.get(topic.name, [])
        bounded = topic.erasure_bound_ms is not None and topic.erasure_bound_ms <= 7 * DAY_MS
        attacks.record(f"erasure: topic {topic.name}", person.candidate_id,
                       got_through=bool(hits) and not bounded, detail=", ".join(hits))  # fmt: skip
        if hits:
            await assert_topic_bound(topic)
    assert ALERTS.name not in after_topics.hits


async def _async(value: T) -> T:
    return value


async def _all_tables() -> list[tuple[str, str]]:
    conn = await asyncpg.connect(load_base_settings().dsn)
    try:
        return await _tables(conn)
    finally:
        await conn.close()


def _erasure_record(value: bytes | None) -> bool:
    """A tombstone, or a ProfileErased (the id, a version, a reason: nothing else)."""
    return value is None or isinstance(decode_event(value), ProfileErased)
