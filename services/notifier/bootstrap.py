"""The one place that builds the notifier's real adapters, or takes fakes in tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from shared.db.migrate import migrate
from shared.db.pool import create_pool
from shared.keys import Keyring
from shared.outbox import install

from .adapters.db import connection
from .adapters.smtp import SmtpSender
from .adapters.webhook import WebhookSender
from .delivery import Channels, EmailSender, WebhookPoster
from .domain.breaker import CircuitBreaker
from .handlers import SCHEMA, Clock
from .settings import NotifierSettings
from .webhook_delivery import WebhookRules

MIGRATIONS = Path(__file__).parent / "migrations"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Notifier:
    settings: NotifierSettings
    pool: asyncpg.Pool
    channels: Channels
    webhook_rules: WebhookRules
    clock: Clock

    @property
    def keyring(self) -> Keyring:
        return self.settings.keyring()

    @property
    def hash_key(self) -> bytes:
        # The erased-candidates list is kept for ever: generation 1 of the erasure key until
        # those hashes carry their key id (ask before rotating "erasure").
        return self.keyring.kept("erasure")["erasure.1"]

    async def close(self) -> None:
        """The kept SMTP connections, then the database pool."""
        await self.channels.email.close()
        await self.pool.close()


async def prepare_database(pool: asyncpg.Pool) -> None:
    async with connection(pool) as conn:
        await migrate(conn, schema=SCHEMA, directory=MIGRATIONS)
        await install(conn, schema=SCHEMA)


async def bootstrap(
    settings: NotifierSettings,
    *,
    pool: asyncpg.Pool | None = None,
    email: EmailSender | None = None,
    webhook: WebhookPoster | None = None,
    clock: Clock | None = None,
) -> Notifier:
    workers = settings.delivery_workers + settings.webhook_workers
    pool = pool or await create_pool(settings.dsn, max_size=workers + 6)
    await prepare_database(pool)
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    email = email or SmtpSender(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        tls=settings.smtp_tls,
        ca_file=str(settings.smtp_ca_file) if settings.smtp_ca_file else None,
        username=settings.smtp_username,
        password=password,
        timeout=settings.smtp_timeout_seconds,
    )
    webhook = webhook or WebhookSender(
        require_https=settings.environment == "production",
        allow_loopback=settings.webhook_allow_loopback,
        timeout=settings.webhook_timeout_seconds,
        connect_timeout=settings.webhook_connect_timeout_seconds,
    )
    clock = clock or utcnow
    channels = Channels(
        email=email,
        webhook=webhook,
        public_url=settings.public_url,
        clock=clock,
        email_spacing=timedelta(seconds=settings.email_spacing_seconds),
    )
    return Notifier(
        settings=settings,
        pool=pool,
        channels=channels,
        webhook_rules=webhook_rules(settings),
        clock=clock,
    )


def webhook_rules(settings: NotifierSettings) -> WebhookRules:
    return WebhookRules(
        attempts=settings.webhook_attempts,
        backoff_seconds=settings.webhook_backoff_seconds,
        lease=timedelta(seconds=settings.webhook_lease_seconds),
        breaker=CircuitBreaker(
            threshold=settings.webhook_breaker_failures,
            cooldown=timedelta(seconds=settings.webhook_breaker_seconds),
        ),
    )
