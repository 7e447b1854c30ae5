"""A circuit breaker per webhook destination: after `threshold` failures in a row, the host is
left alone for `cooldown`; its deliveries wait (postponed, not lost) instead of each spending a
timeout on a receiver that is down.

Kept in memory, per process: a restarted notifier tries a dead host once more, which costs
at most `threshold` timeouts before the breaker opens again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass
class CircuitBreaker:
    threshold: int = 5
    cooldown: timedelta = timedelta(minutes=5)
    _failures: dict[str, int] = field(default_factory=dict)
    _open_until: dict[str, datetime] = field(default_factory=dict)

    def open_until(self, host: str, now: datetime) -> datetime | None:
        """When the host may be tried again, or None when it may be tried now."""
        until = self._open_until.get(host)
        if until is None or until <= now:
            return None
        return until

    def succeeded(self, host: str) -> None:
        self._failures.pop(host, None)
        self._open_until.pop(host, None)

    def failed(self, host: str, now: datetime) -> None:
        count = self._failures.get(host, 0) + 1
        self._failures[host] = count
        if count >= self.threshold:
            # Half-open after the cooldown: one more failure opens it again at once.
            self._failures[host] = self.threshold - 1
            self._open_until[host] = now + self.cooldown
