"""OpenTelemetry tracing, on only when an OTLP endpoint is configured.

Set `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), e.g.
`http://collector:4318`, and every service exports its spans over OTLP/HTTP: one span per HTTP
request (FastAPI), one per Kafka message handled or published (FastStream's middleware), and the
W3C `traceparent` rides in the events' headers, through the outboxes too, so that one trace
follows a need from the federation's POST to the référent's alert. Unset, nothing is loaded and
nothing is sent. The standard `OTEL_*` variables (sampler, headers, timeouts) apply.

Spans carry routes, topics and ids, never a request body: no personal data leaves this way.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI
    from opentelemetry.sdk.trace import TracerProvider

_ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
_provider: TracerProvider | None = None
_decided = False


def configured() -> bool:
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    return any(os.environ.get(name) for name in _ENDPOINTS)


def provider(service: str) -> TracerProvider | None:
    """The process's tracer provider, built on first use when tracing is configured."""
    global _provider, _decided
    if not _decided:
        _decided = True
        if configured():
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
            from opentelemetry.sdk.trace.export import BatchSpanProcessor

            built = _new_provider(service)
            built.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
            use(built)
    return _provider


def use(chosen: TracerProvider | None) -> None:
    """Install a provider (tests hand in one with an in-memory exporter); None turns it off."""
    global _provider, _decided
    _provider, _decided = chosen, True
    if chosen is not None:
        from opentelemetry import trace

        trace.set_tracer_provider(chosen)


def _new_provider(service: str) -> TracerProvider:
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider

    name = os.environ.get("OTEL_SERVICE_NAME") or f"spie-{service.replace('_', '-')}"
    return TracerProvider(resource=Resource.create({"service.name": name}))


def broker_middlewares(service: str) -> tuple[Any, ...]:
    """FastStream's Kafka middleware: consumer and producer spans, context from headers."""
    chosen = provider(service)
    if chosen is None:
        return ()
    from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware

    return (KafkaTelemetryMiddleware(tracer_provider=chosen),)


def instrument_fastapi(app: FastAPI, service: str) -> None:
    chosen = provider(service)
    if chosen is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=chosen, excluded_urls="healthz,readyz,metrics"
    )


def inject_context(headers: dict[str, str]) -> None:
    """Add the current span's `traceparent` to an event's headers (outbox rows included)."""
    if _provider is None:
        return
    from opentelemetry.propagate import inject

    inject(headers)
