"""Webhook deliveries: a signed JSON POST, retried with backoff (tenacity), then given up."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from tenacity import AsyncRetrying, RetryError, stop_after_attempt, wait_exponential

from ..domain.signature import HEADER, sign


class WebhookFailed(Exception):
    def __init__(self, reason: str, attempts: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts


@dataclass
class WebhookSender:
    key: bytes
    attempts: int = 3
    backoff_seconds: float = 1.0
    timeout: float = 10.0
    client: httpx.AsyncClient | None = None

    async def post(self, url: str, body: bytes, *, delivery_id: str) -> None:
        """POST until a 2xx answer; WebhookFailed with the last reason after `attempts` tries."""
        headers = {
            "Content-Type": "application/json",
            HEADER: sign(self.key, body),
            "X-Spie-Delivery": delivery_id,  # lets the receiver drop a retried duplicate
        }
        client = self.client or httpx.AsyncClient(timeout=self.timeout)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=self.backoff_seconds, max=30),
            reraise=False,
        )
        tries = 0
        try:
            async for attempt in retrying:
                with attempt:
                    tries += 1
                    response = await client.post(url, content=body, headers=headers)
                    response.raise_for_status()
        except RetryError as exc:
            error = exc.last_attempt.exception()
            raise WebhookFailed(_reason(error), tries) from error
        finally:
            if self.client is None:
                await client.aclose()


def _reason(error: BaseException | None) -> str:
    if isinstance(error, httpx.HTTPStatusError):
        return f"HTTP {error.response.status_code}"
    return type(error).__name__ if error else "unknown"
