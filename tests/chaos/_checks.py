"""What every fault scenario asserts, read from the topics, the mail sink and the groups."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path

from aiokafka import ConsumerRecord

from shared.contracts import (
    MatchFound,
    NeedPosted,
    ProfileUpserted,
    UnknownEventError,
    decode_event,
)
from shared.kafka.reader import read_since
from shared.metrics import consumer_lag
from shared.topics import CANDIDATES, FEEDBACK, MATCHES, NEEDS, REFERENTS
from tests.chaos._flow import Outcome
from tests.chaos._stack import STACK_DIR

GROUPS = {
    "matcher": [NEEDS.name, CANDIDATES.name, FEEDBACK.name],
    "notifier": [MATCHES.name, REFERENTS.name, CANDIDATES.name],
}


def events(records: list[ConsumerRecord]) -> list[object]:
    found = []
    for r in records:
        try:
            found.append(decode_event(r.value or b""))
        except UnknownEventError:
            continue
    return found


async def lag(bootstrap: str) -> int:
    total = 0
    for group, topics in GROUPS.items():
        total += sum((await consumer_lag(bootstrap, group, topics)).values())
    return total


@dataclass
class Verdict:
    lost_needs: set[str]
    lost_versions: set[tuple[str, int]]
    matches: int
    duplicate_matches: int  # distinct MatchFound events for the same need, candidate, versions
    redelivered_matches: int  # the same MatchFound event (same event_id) written twice
    emails: int
    duplicate_emails: int


async def verdict(bootstrap: str, outcome: Outcome, since_ms: int, email: str) -> Verdict:
    posted = {
        str(e.payload.need_id)
        for e in events(await read_since(bootstrap, NEEDS.name, since_ms))
        if isinstance(e, NeedPosted)
    }
    versions = {
        (str(e.payload.candidate_id), e.payload.version)
        for e in events(await read_since(bootstrap, CANDIDATES.name, since_ms))
        if isinstance(e, ProfileUpserted)
    }
    ours = set(outcome.needs)
    found = [
        e
        for e in events(await read_since(bootstrap, MATCHES.name, since_ms))
        if isinstance(e, MatchFound) and str(e.payload.need_id) in ours
    ]
    by_event = Counter(e.event_id for e in found)
    distinct = {e.event_id: e for e in found}.values()
    by_key = Counter(
        (p.need_id, p.candidate_id, p.need_version, p.profile_version)
        for p in (e.payload for e in distinct)
    )
    mails = mail_ids(email, since_ms)
    return Verdict(
        lost_needs=ours - posted,
        lost_versions=outcome.versions - versions,
        matches=len(by_key),
        duplicate_matches=sum(n - 1 for n in by_key.values()),
        redelivered_matches=sum(n - 1 for n in by_event.values()),
        emails=len(mails),
        duplicate_emails=sum(n - 1 for n in Counter(mails).values()),
    )


def mail_ids(email: str, since_ms: int = 0) -> list[str]:
    """The Message-IDs of the e-mails the mail sink received for `email` (files are named by
    their arrival time in ns) since `since_ms`."""
    ids = []
    for path in sorted((STACK_DIR / "mail").glob("*.eml")):
        if int(path.stem) < since_ms * 1_000_000:
            continue
        message = message_from_bytes(Path(path).read_bytes(), policy=policy.default)
        if email in str(message.get("To", "")):
            ids.append(str(message.get("Message-ID")))
    return ids


async def drained(bootstrap: str, outcome: Outcome, since_ms: int, within: float = 240) -> float:
    """Seconds until every accepted request is on its topic and both groups have no lag."""
    start = time.monotonic()
    while True:
        try:
            v = await verdict(bootstrap, outcome, since_ms, "")
            if not v.lost_needs and not v.lost_versions and await lag(bootstrap) == 0:
                return time.monotonic() - start
        except Exception:  # Kafka may still be coming back
            pass
        if time.monotonic() - start > within:
            raise AssertionError(f"not drained within {within} s")
        await asyncio.sleep(1)


async def mails_settled(email: str, quiet: float = 4.0, within: float = 60) -> None:
    """E-mails are sent after the alert is stored: wait until none has arrived for `quiet` s."""
    await count_settled(lambda: len(mail_ids(email)), quiet=quiet, within=within)


async def count_settled(count_now: Callable[[], int], *, quiet: float, within: float) -> None:
    """Until `count_now()` has not changed for `quiet` s (or `within` s have passed)."""
    deadline, last, since = time.monotonic() + within, -1, time.monotonic()
    while time.monotonic() < deadline:
        count = count_now()
        if count != last:
            last, since = count, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        await asyncio.sleep(1)
