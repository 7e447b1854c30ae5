"""Webhook deliveries: one signed JSON POST to a vetted address, with short timeouts.

The URL's name is resolved once, every address vetted (shared/destinations.py), and the request
sent to the vetted address itself, with the name in the Host header and the TLS SNI (the
certificate is checked against the name): a second resolution by the HTTP client could answer
a private address (DNS rebinding). No redirect is followed, no proxy from the environment used.
Retries are the caller's: one POST per claim.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from shared.destinations import IPAddress, Resolver, system_resolver, vet_destination

from ..domain.signature import HEADER, KEY_ID_HEADER, sign


class WebhookFailed(Exception):
    """The receiver could not be reached or did not answer 2xx: worth another try later."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class WebhookSender:
    require_https: bool = True
    allow_loopback: bool = False
    timeout: float = 5.0
    connect_timeout: float = 2.0
    resolver: Resolver = system_resolver
    transport: httpx.AsyncBaseTransport | None = None  # tests: a recording one

    async def post(
        self, url: str, body: bytes, *, delivery_id: str, key_id: str, key: bytes
    ) -> None:
        """POST once; DestinationRefused before any connection when an address is not allowed,
        WebhookFailed when the receiver fails or answers anything but 2xx."""
        _, _, addresses = await vet_destination(
            url,
            require_https=self.require_https,
            allow_loopback=self.allow_loopback,
            resolver=self.resolver,
        )
        request_url, extensions = _pinned(httpx.URL(url), addresses[0])
        headers = {
            "Host": httpx.URL(url).netloc.decode("ascii"),
            "Content-Type": "application/json",
            HEADER: sign(key, body),
            KEY_ID_HEADER: key_id,
            "X-Spie-Delivery": delivery_id,  # lets the receiver drop a retried duplicate
        }
        timeout = httpx.Timeout(self.timeout, connect=self.connect_timeout)
        async with httpx.AsyncClient(
            transport=self.transport, timeout=timeout, follow_redirects=False, trust_env=False
        ) as client:
            try:
                # The whole exchange is bounded, not each read: a receiver sending one byte
                # a second would otherwise hold the worker for as long as it likes.
                async with asyncio.timeout(self.timeout):
                    response = await client.post(
                        request_url, content=body, headers=headers, extensions=extensions
                    )
            except (httpx.HTTPError, TimeoutError, OSError) as exc:
                raise WebhookFailed(type(exc).__name__) from exc
        if response.is_redirect:
            raise WebhookFailed(f"redirection refusée (HTTP {response.status_code})")
        if not response.is_success:
            raise WebhookFailed(f"HTTP {response.status_code}")


def _pinned(url: httpx.URL, address: IPAddress) -> tuple[httpx.URL, dict[str, object]]:
    """The URL aimed at `address`, and the SNI that keeps TLS checking the name."""
    extensions: dict[str, object] = {}
    if url.scheme == "https":
        extensions["sni_hostname"] = url.host
    return url.copy_with(host=str(address)), extensions
