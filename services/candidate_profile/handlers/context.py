"""What every use case needs besides its connection: the referential, the keys, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from shared.destinations import Resolver, system_resolver
from shared.keys import Keyring
from shared.referential.snapshot import Snapshot


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Context:
    referential: Snapshot
    keyring: Keyring
    clock: Callable[[], datetime] = field(default=utcnow)
    inactivity_days: int = 730
    # Where a référent's webhook may point (shared/destinations.py): https only in production;
    # loopback only through the development/test allowance, which production refuses.
    webhook_https_only: bool = False
    webhook_allow_loopback: bool = False
    resolver: Resolver = field(default=system_resolver)
