"""Background work of the service: the scheduled retention job (consent expiry, inactivity)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict
from datetime import timedelta

import asyncpg

from services.candidate_profile.bootstrap import Services
from services.candidate_profile.handlers.erasure import RetentionReport, run_retention

log = logging.getLogger("spie.candidate_profile.retention")


async def retention_once(services: Services) -> RetentionReport:
    settings = services.settings
    return await run_retention(
        services.pool,
        services.ctx,
        outbox_keep=timedelta(seconds=settings.outbox_keep_seconds),
        replies_keep=timedelta(hours=settings.idempotency_keep_hours),
    )


async def retention_loop(services: Services, stop: asyncio.Event) -> None:
    """Every `retention_every_seconds`; a database outage only postpones the next pass."""
    while not stop.is_set():
        try:
            report = await retention_once(services)
            if report.expired or report.inactive:
                log.info("retention pass", extra={"fields": asdict(report)})
        except (asyncpg.PostgresError, OSError) as exc:
            log.warning("retention pass failed: %s; next one as scheduled", type(exc).__name__)
        try:
            await asyncio.wait_for(stop.wait(), timeout=services.settings.retention_every_seconds)
        except TimeoutError:
            continue
