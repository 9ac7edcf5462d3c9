"""Traces: one per request, with the GraphQL operation, each Stripe call (carrying Stripe's request id) and
the SQL statements under it, exported here to memory instead of a collector."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from portalql.cli.demo import DASHBOARD_QUERY
from portalql.observability.tracing import Tracing
from portalql.web.app import create_app
from tests.fixtures.app import app_settings, client_for, graphql

if TYPE_CHECKING:
    from collections.abc import Iterator

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle


@pytest.fixture
def exported() -> Iterator[tuple[Tracing, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield Tracing(provider), exporter
    # The instrumentation of httpx is process-wide: other tests run untraced.
    HTTPXClientInstrumentor().uninstrument()
    SQLAlchemyInstrumentor().uninstrument()
    provider.shutdown()


async def test_a_dashboard_is_one_trace_with_a_span_per_stripe_call(
    *,
    exported: tuple[Tracing, InMemorySpanExporter],
    gateway: StripeGateway,
    database: Database,
    tokens: Tokens,
    customer_a: str,
    sandbox: SandboxHandle,
) -> None:
    tracing, exporter = exported
    token = await tokens.customer_session(customer_a)
    app = create_app(app_settings(), gateway=gateway, database=database, tracing=tracing)
    exporter.clear()

    async with client_for(app) as http:
        body = await graphql(http, DASHBOARD_QUERY, token=token)

    assert "errors" not in body
    spans = exporter.get_finished_spans()
    [server] = [span for span in spans if span.name == "POST /graphql"]
    trace = [span for span in spans if span.context.trace_id == server.context.trace_id]
    names = [span.name for span in trace]
    stripe_calls = [span for span in trace if span.name.startswith("stripe ")]
    assert sorted(span.name for span in stripe_calls) == [
        "stripe GET /v1/customers/{id}",
        "stripe GET /v1/invoices",
        "stripe GET /v1/payment_methods",
        "stripe GET /v1/prices",
        "stripe POST /v1/invoices/create_preview",
    ]
    assert len(stripe_calls) == sum(sandbox.calls().values())
    # Each Stripe call says which request it was in Stripe's logs.
    assert all(str(span.attributes["stripe.request_id"]).startswith("req_") for span in stripe_calls)  # type: ignore[index]
    assert any(name.startswith("GraphQL Query") for name in names), names
    # The session's lookup in the database, with its statement (parameters stay out).
    statements = [str(span.attributes.get("db.statement")) for span in trace if span.attributes]
    assert any("FROM customer_sessions" in statement for statement in statements)
    assert not any(token in statement for statement in statements)
    assert "GraphQL Resolving: viewer" in names
    # The whole request is one trace: every span but the server's has its parent in it.
    ids = {span.context.span_id for span in trace}
    assert all(span.parent is not None and span.parent.span_id in ids for span in trace if span is not server)
