"""With an OTLP endpoint configured, one trace follows a need across HTTP and Kafka hops;
without one, nothing is traced and no header is added."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from faststream.kafka import KafkaMessage, TestKafkaBroker
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared import tracing
from shared.contracts import NeedClosed
from shared.kafka.broker import event_headers, make_broker, publish_event
from shared.metrics import instrument_app


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    chosen = TracerProvider()
    chosen.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.use(chosen)
    try:
        yield exporter
    finally:
        tracing.use(None)


def closed() -> NeedClosed:
    return NeedClosed(
        producer="test",
        payload={"need_id": uuid.uuid4(), "version": 1, "federation": "BTP31", "reason": "filled"},
    )


def app_publishing_headers(seen: list[dict[str, str]]) -> FastAPI:
    app = FastAPI()

    @app.get("/needs/{need_id}")
    async def read(need_id: str) -> dict[str, str]:
        seen.append(event_headers(closed()))  # what an outbox row would carry
        return {"need_id": need_id}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    instrument_app(app, service="employer_intake")
    return app


async def test_a_request_is_a_span_and_the_events_it_writes_carry_its_trace(
    spans: InMemorySpanExporter,
) -> None:
    seen: list[dict[str, str]] = []
    transport = httpx.ASGITransport(app=app_publishing_headers(seen))
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        assert (await client.get("/needs/42")).status_code == 200
        assert (await client.get("/healthz")).status_code == 200
    server = [s for s in spans.get_finished_spans() if s.kind.name == "SERVER"]
    assert [s.name for s in server] == ["GET /needs/{need_id}"]  # probes are not traced
    trace_id = f"{server[0].context.trace_id:032x}"
    assert seen[0]["traceparent"].split("-")[1] == trace_id


async def test_a_consumer_continues_the_trace_of_the_event_it_reads(
    spans: InMemorySpanExporter,
) -> None:
    broker = make_broker("127.0.0.1:9", client_id="matcher")
    got: list[str] = []

    @broker.subscriber("spie.needs.v1", group_id="matcher")  # type: ignore[untyped-decorator]
    async def on_need(msg: KafkaMessage) -> None:
        got.append(msg.headers.get("traceparent", ""))

    tracer = tracing.provider("test")
    assert tracer is not None
    async with TestKafkaBroker(broker) as test_broker:
        with tracer.get_tracer("test").start_as_current_span("POST /needs") as parent:
            await publish_event(test_broker, closed())
    trace_id = parent.get_span_context().trace_id
    consumer = [s for s in spans.get_finished_spans() if s.kind.name == "CONSUMER"]
    assert consumer and all(s.context.trace_id == trace_id for s in consumer)
    assert got and f"{trace_id:032x}" in got[0]


def test_without_an_endpoint_nothing_is_traced_and_no_header_is_added(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(tracing, "_decided", False)
    monkeypatch.setattr(tracing, "_provider", None)
    assert tracing.provider("notifier") is None
    assert tracing.broker_middlewares("notifier") == ()
    assert "traceparent" not in event_headers(closed())


def test_an_endpoint_turns_tracing_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setattr(tracing, "_decided", False)
    monkeypatch.setattr(tracing, "_provider", None)
    try:
        chosen = tracing.provider("candidate_profile")
        assert chosen is not None
        assert chosen.resource.attributes["service.name"] == "spie-candidate-profile"
        assert len(tracing.broker_middlewares("candidate_profile")) == 1
    finally:
        if tracing._provider is not None:
            tracing._provider.shutdown()
        tracing.use(None)
