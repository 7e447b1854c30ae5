"""What every fault scenario asserts, read from the topics, the mail sink and the groups."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
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
from shared.topics import CANDIDATES, FEEDBACK, MATCHES, NEEDS, REFERENTS, TOPICS
from tests.chaos._flow import FAMILIES, Outcome, family_of
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


Pair = tuple[str, str]  # (need_id, candidate_id)


@dataclass
class Verdict:
    lost_needs: set[str]
    lost_versions: set[tuple[str, int]]
    matches: int
    duplicate_matches: int  # distinct MatchFound events for the same need, candidate, versions
    redelivered_matches: int  # the same MatchFound event (same event_id) written twice
    emails: int
    duplicate_emails: int
    expected: set[Pair] = field(default_factory=set)  # each accepted need with its trade's profiles
    matched: set[Pair] = field(default_factory=set)  # of those, the pairs found in a MatchFound
    mailed: dict[Pair, set[str]] = field(default_factory=dict)  # pair -> Message-IDs naming it

    @property
    def lost_matches(self) -> set[Pair]:
        return self.expected - self.matched

    @property
    def lost_alerts(self) -> set[Pair]:
        return self.expected - set(self.mailed)

    @property
    def alerts_twice(self) -> set[Pair]:
        """Pairs in two different e-mails (one resent with its Message-ID counts once)."""
        return {pair for pair, ids in self.mailed.items() if len(ids) > 1}


def expected_pairs(outcome: Outcome, profiles: Sequence[str]) -> set[Pair]:
    """Every accepted need with each of the run's profiles of its trade: the matcher must
    propose each pair (same trade, commune and skills) and the notifier alert it once."""
    return {
        (need_id, candidate)
        for need_id, n in outcome.numbers.items()
        for i, candidate in enumerate(profiles)
        if family_of(i) == n % len(FAMILIES)
    }


async def verdict(
    bootstrap: str, outcome: Outcome, since_ms: int, email: str, profiles: Sequence[str] = ()
) -> Verdict:
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
    ids = mail_ids(email, since_ms)
    expected = expected_pairs(outcome, profiles)
    return Verdict(
        lost_needs=ours - posted,
        lost_versions=outcome.versions - versions,
        matches=len(by_key),
        duplicate_matches=sum(n - 1 for n in by_key.values()),
        redelivered_matches=sum(n - 1 for n in by_event.values()),
        emails=len(ids),
        duplicate_emails=sum(n - 1 for n in Counter(ids).values()),
        expected=expected,
        matched=expected & {(str(e.payload.need_id), str(e.payload.candidate_id)) for e in found},
        mailed=mailed_pairs(email, since_ms, outcome) if email else {},
    )


# The lines of an alert's block that name its need and its profile (services/notifier/domain/
# messages.py): "<title> - <employer> (<federation>)" ... "Profil concerné : réf. <id>".
_NEED_LINE = re.compile(r" - Chaos [0-9a-f]+ ([0-9a-f]+)-(\d+) \(")
_PROFILE_LINE = re.compile(r"Profil concerné : réf\. ([0-9a-f-]{36})")


def mailed_pairs(email: str, since_ms: int, outcome: Outcome) -> dict[Pair, set[str]]:
    """(need_id, candidate_id) -> the Message-IDs of the e-mails to `email` that alert it, for
    the needs of `outcome` (an e-mail of several alerts names each)."""
    need_of = {n: need_id for need_id, n in outcome.numbers.items()}
    mailed: dict[Pair, set[str]] = {}
    for message in mails(email, since_ms):
        need: str | None = None
        for line in str(message.get_content()).splitlines():
            if found := _NEED_LINE.search(line):
                flow, n = found.group(1), int(found.group(2))
                need = need_of.get(n) if flow == outcome.flow else None
            elif (found := _PROFILE_LINE.search(line)) and need is not None:
                mailed.setdefault((need, found.group(1)), set()).add(str(message["Message-ID"]))
                need = None
    return mailed


async def dead_letters(bootstrap: str, since_ms: int) -> list[ConsumerRecord]:
    """Every record written to any `.dlq` topic since `since_ms`."""
    found: list[ConsumerRecord] = []
    for topic in TOPICS:
        if topic.dead_letter:
            found += await read_since(bootstrap, topic.dlq.name, since_ms)
    return found


def mails(email: str, since_ms: int = 0) -> list[EmailMessage]:
    """The e-mails the mail sink received for `email` (files are named by their arrival time
    in ns) since `since_ms`."""
    found = []
    for path in sorted((STACK_DIR / "mail").glob("*.eml")):
        if int(path.stem) < since_ms * 1_000_000:
            continue
        message = message_from_bytes(Path(path).read_bytes(), policy=policy.default)
        if email in str(message.get("To", "")):
            assert isinstance(message, EmailMessage)
            found.append(message)
    return found


def mail_ids(email: str, since_ms: int = 0) -> list[str]:
    """The Message-IDs of the e-mails the mail sink received for `email` since `since_ms`."""
    return [str(message.get("Message-ID")) for message in mails(email, since_ms)]


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
