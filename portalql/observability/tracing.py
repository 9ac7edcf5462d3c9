"""OpenTelemetry traces, when `OTEL_EXPORTER_OTLP_ENDPOINT` is set: one trace per HTTP request, with spans for
the GraphQL operation and its resolvers (strawberry's extension), each Stripe call (httpx, named by the call's
endpoint template and carrying Stripe's request id) and each SQL statement.

This module is imported only when tracing is on, so a service without an endpoint loads none of the SDK and
pays nothing for it. The OTLP exporter reads the standard `OTEL_*` variables (headers, protocol, timeout).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import httpx
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor, RequestInfo, ResponseInfo
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from strawberry.extensions.tracing import OpenTelemetryExtension

from portalql.observability.logs import redact
from stripe_gateway.metrics import endpoint_template

if TYPE_CHECKING:
    from collections.abc import Callable

    from fastapi import FastAPI
    from opentelemetry.trace import Span
    from sqlalchemy.engine import Engine
    from strawberry.extensions import SchemaExtension


def exporting_provider(endpoint: str) -> TracerProvider:
    """A provider that batches spans to the OTLP/HTTP collector at `endpoint` (its `/v1/traces`)."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: PLC0415

    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: "portalql"}))
    provider.add_span_processor(
        BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces"))
    )
    return provider


class Tracing:
    """What instruments the parts of one app with one provider."""

    def __init__(self, provider: TracerProvider) -> None:
        self.provider = provider

    def schema_extensions(self) -> list[Callable[[], SchemaExtension]]:
        return [partial(OpenTelemetryExtension, tracer_provider=self.provider)]

    def instrument_app(self, app: FastAPI) -> None:
        FastAPIInstrumentor.instrument_app(
            app,
            tracer_provider=self.provider,
            server_request_hook=_redact_path,
            exclude_spans=["receive", "send"],
        )
        # Process-wide, and once: the SDK's HTTP client is httpx, so every Stripe call gets a client span.
        instrumentor = HTTPXClientInstrumentor()
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument(
                tracer_provider=self.provider,
                async_request_hook=_name_stripe_call,
                async_response_hook=_note_stripe_request_id,
            )

    def instrument_database(self, engine: Engine) -> None:
        # The instrumentation declares SQLAlchemy < 2.1; it hooks only the engine's stable event API
        # (before/after_cursor_execute), which 2.1 keeps, and the tracing test checks the spans it makes.
        SQLAlchemyInstrumentor().instrument(engine=engine, tracer_provider=self.provider, skip_dep_check=True)

    def shutdown(self) -> None:
        self.provider.shutdown()


def _redact_path(span: Span, scope: dict[str, Any]) -> None:
    """A portal link's one-time code never leaves in a span: its path is reported redacted."""
    path = scope.get("path", "")
    if span.is_recording() and redact(path) != path:
        span.set_attribute("url.path", redact(path))
        span.set_attribute("http.target", redact(path))


async def _name_stripe_call(span: Span, request: RequestInfo) -> None:
    url = request.url if isinstance(request.url, httpx.URL) else httpx.URL(request.url[3].decode())
    template = endpoint_template(url.path)
    span.update_name(f"stripe {request.method.decode()} {template}")
    span.set_attribute("stripe.endpoint", template)


async def _note_stripe_request_id(span: Span, _request: RequestInfo, response: ResponseInfo) -> None:
    request_id = response.headers.get("request-id") if response.headers is not None else None
    if request_id:
        span.set_attribute("stripe.request_id", request_id)
