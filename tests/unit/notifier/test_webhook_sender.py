"""The webhook sender connects only to a vetted address, pinned (no second DNS answer is asked
for), signs with the structure's secret and key id, follows no redirect; the circuit breaker
pauses a destination that keeps failing. A recording transport stands for the network: nothing
here opens a connection."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.notifier.adapters.webhook import WebhookFailed, WebhookSender
from services.notifier.domain.breaker import CircuitBreaker
from services.notifier.domain.signature import verify
from shared.destinations import DestinationRefused, IPAddress

KEY = b"structure-secret"


class Recorder:
    def __init__(self, status: int = 204, headers: dict[str, str] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._answer)
        self.status, self.headers = status, headers or {}

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, headers=self.headers)


def resolving(answers: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    calls: list[str] = []

    async def resolve(host: str, port: int) -> list[IPAddress]:
        calls.append(host)
        return [ipaddress.ip_address(a) for a in answers[host]]

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


async def post(sender: WebhookSender, url: str) -> None:
    await sender.post(url, b'{"a": 1}', delivery_id="d-1", key_id="whk_1", key=KEY)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://127.0.0.2/x",
        "http://[::1]/x",
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/x",
        "http://rebind.example/x",
    ],
)
async def test_an_internal_destination_is_refused_before_any_connection(url: str) -> None:
    recorder = Recorder()
    sender = WebhookSender(
        require_https=False,
        transport=recorder.transport,
        resolver=resolving({"rebind.example": ["93.184.215.14", "127.0.0.1"]}),
    )
    with pytest.raises(DestinationRefused):
        await post(sender, url)
    assert recorder.requests == []


async def test_the_post_goes_to_the_vetted_address_with_the_name_kept_for_host_and_tls() -> None:
    recorder = Recorder()
    resolver = resolving({"hooks.example": ["93.184.215.14"]})
    sender = WebhookSender(transport=recorder.transport, resolver=resolver)
    await post(sender, "https://hooks.example:8443/alertes?s=1")
    [request] = recorder.requests
    assert str(request.url) == "https://93.184.215.14:8443/alertes?s=1"
    assert request.headers["Host"] == "hooks.example:8443"
    assert request.extensions["sni_hostname"] == "hooks.example"
    assert request.headers["X-Spie-Key-Id"] == "whk_1"
    assert verify(KEY, request.content, request.headers["X-Spie-Signature"])
    assert resolver.calls == ["hooks.example"]  # resolved once, by the vetting


async def test_a_redirect_is_not_followed() -> None:
    recorder = Recorder(302, {"Location": "http://169.254.169.254/"})
    sender = WebhookSender(transport=recorder.transport)
    with pytest.raises(WebhookFailed, match="redirection refusée"):
        await post(sender, "https://93.184.215.14/hook")
    assert [str(r.url) for r in recorder.requests] == ["https://93.184.215.14/hook"]


async def test_plain_http_is_refused_when_https_is_required() -> None:
    recorder = Recorder()
    with pytest.raises(DestinationRefused, match="https"):
        await post(WebhookSender(transport=recorder.transport), "http://93.184.215.14/hook")
    assert recorder.requests == []


async def test_the_development_allowance_reaches_a_loopback_receiver() -> None:
    recorder = Recorder()
    sender = WebhookSender(require_https=False, allow_loopback=True, transport=recorder.transport)
    await post(sender, "http://127.0.0.1:9/hook")
    assert len(recorder.requests) == 1


NOW = datetime(2026, 12, 6, 10, tzinfo=UTC)


def test_the_breaker_pauses_a_host_after_consecutive_failures_only() -> None:
    breaker = CircuitBreaker(threshold=3, cooldown=timedelta(minutes=5))
    for _ in range(2):
        breaker.failed("a:443", NOW)
    assert breaker.open_until("a:443", NOW) is None
    breaker.failed("a:443", NOW)
    assert breaker.open_until("a:443", NOW) == NOW + timedelta(minutes=5)
    assert breaker.open_until("b:443", NOW) is None  # other destinations go on
    assert breaker.open_until("a:443", NOW + timedelta(minutes=5)) is None  # tried again


def test_a_success_closes_the_breaker_and_forgets_the_failures() -> None:
    breaker = CircuitBreaker(threshold=2)
    breaker.failed("a:443", NOW)
    breaker.succeeded("a:443")
    breaker.failed("a:443", NOW)
    assert breaker.open_until("a:443", NOW) is None
