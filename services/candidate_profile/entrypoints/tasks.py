"""Background work of the service: the scheduled retention job (consent expiry, inactivity)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict
from datetime import timedelta

from services.candidate_profile.bootstrap import Services
from services.candidate_profile.handlers.erasure import RetentionReport, run_retention
from shared.aio import sleep_or_stop
from shared.transient import is_transient

log = logging.getLogger("spie.candidate_profile.retention")


async def retention_once(services: Services) -> RetentionReport:
    settings = services.settings
    return await run_retention(
        services.pool,
        services.ctx,
        outbox_keep=timedelta(seconds=settings.outbox_keep_seconds),
        replies_keep=timedelta(hours=settings.idempotency_keep_hours),
    )


async def retention_loop(
    services: Services, stop: asyncio.Event, *, first_retry_seconds: float = 5.0
) -> None:
    """A pass every `retention_every_seconds`. A pass that met an outage (a PostgreSQL restart
    ends the pool's connections with an InterfaceError) is tried again sooner, with growing
    delays up to the period: expired consents must not wait a whole period more. Any other
    failure escapes to the supervisor, which restarts the loop and says so on /readyz."""
    every = services.settings.retention_every_seconds
    retry = first_retry_seconds
    while not stop.is_set():
        wait = every
        try:
            report = await retention_once(services)
            if report.expired or report.inactive:
                log.info("retention pass", extra={"fields": asdict(report)})
            retry = first_retry_seconds
        except Exception as exc:
            if not is_transient(exc):
                raise
            wait, retry = min(retry, every), min(retry * 2, every)
            log.warning("retention pass failed: %s; next try in %.0f s", type(exc).__name__, wait)
        await sleep_or_stop(stop, wait)
