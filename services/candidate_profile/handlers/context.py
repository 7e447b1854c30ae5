"""What every use case needs besides its connection: the referential, the keys, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

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
