"""`/metrics` after what an operator watches: a dashboard (cold then warm), a failed Stripe call, a webhook,
portal links used and refused. Each test asserts what moved between two scrapes."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from portalql.cli.demo import DASHBOARD_QUERY
from tests.api.mutation_support import mutate
from tests.api.test_portal_links import portal_link
from tests.fixtures.app import graphql
from tests.observability.conftest import moved, scrape
from tests.webhooks.conftest import deliver
from tests.webhooks.test_endpoint import canceled_in_the_dashboard

if TYPE_CHECKING:
    import httpx
    import pytest

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle


async def test_metrics_need_the_token(observed: httpx.AsyncClient) -> None:
    assert (await observed.get("/metrics")).status_code == 404
    wrong = await observed.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 404


async def test_a_dashboard_cold_then_warm(
    observed: httpx.AsyncClient, tokens: Tokens, customer_a: str, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_a)
    before = await scrape(observed)

    for _ in range(2):
        assert "errors" not in await graphql(observed, DASHBOARD_QUERY, token=token)

    after = await scrape(observed)
    http = {"route": "/graphql", "method": "POST", "status": "200"}
    assert moved(before, after, "portalql_http_requests_total", **http) == 2
    ok = {"operation": "Dashboard", "outcome": "ok", "code": ""}
    assert moved(before, after, "portalql_graphql_operations_total", **ok) == 2
    # The cold dashboard's five Stripe calls, by template; the warm one made none.
    assert sum(sandbox.calls().values()) == 5
    customer = {"method": "GET", "endpoint": "/v1/customers/{id}", "status": "200"}
    assert moved(before, after, "portalql_stripe_requests_total", **customer) == 1
    preview = {"method": "POST", "endpoint": "/v1/invoices/create_preview"}
    assert moved(before, after, "portalql_stripe_request_duration_seconds_count", **preview) == 1
    assert moved(before, after, "portalql_stripe_pacer_wait_seconds_count") == 5
    assert moved(before, after, "portalql_read_cache_lookups_total", kind="Customer", result="miss") == 1
    invoices = {"kind": "Page[Invoice]", "result": "miss"}
    assert moved(before, after, "portalql_read_cache_lookups_total", **invoices) == 1
    # The warm one was answered whole from the response cache, which the cold one filled: no lookups.
    assert moved(before, after, "portalql_read_cache_lookups_total", kind="Customer", result="hit") == 0
    assert moved(before, after, "portalql_response_cache_total", outcome="stored") == 1
    assert moved(before, after, "portalql_response_cache_total", outcome="hit") == 1
    # No label names a customer: routes and endpoints are templates.
    assert not any(customer_a in value for _name, labels in after for _label, value in labels)


async def test_a_failed_stripe_call_is_counted_and_its_error_id_logged(
    observed: httpx.AsyncClient,
    tokens: Tokens,
    customer_a: str,
    sandbox: SandboxHandle,
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = await tokens.customer_session(customer_a)
    sandbox.add_fault("error", count=1, path="GET /v1/invoices")
    before = await scrape(observed)

    with caplog.at_level(logging.WARNING, logger="schema.errors"):
        body = await graphql(observed, DASHBOARD_QUERY, token=token)

    after = await scrape(observed)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "STRIPE_UNAVAILABLE"
    failed = {"method": "GET", "endpoint": "/v1/invoices", "status": "500"}
    assert moved(before, after, "portalql_stripe_requests_total", **failed) == 1
    outcome = {"operation": "Dashboard", "outcome": "error", "code": "STRIPE_UNAVAILABLE"}
    assert moved(before, after, "portalql_graphql_operations_total", **outcome) == 1
    # The id the client got is on the log line, beside the cause and Stripe's request id.
    error_id = error["extensions"]["errorId"]
    [logged] = [record for record in caplog.records if getattr(record, "error_id", None) == error_id]
    assert logged.stripe_request_id == error["extensions"]["stripeRequestId"]  # type: ignore[attr-defined]
    assert logged.stripe_request_id.startswith("req_")  # type: ignore[attr-defined]
    assert "StripeUnavailable" in logged.getMessage()


async def test_a_webhook_processed_duplicated_and_forged(
    observed: httpx.AsyncClient, sandbox: SandboxHandle
) -> None:
    event = canceled_in_the_dashboard(sandbox, event_id="evt_metrics_1")
    before = await scrape(observed)

    assert (await deliver(observed, event)).status_code == 200
    assert (await deliver(observed, event)).status_code == 200
    assert (await deliver(observed, event, secret="whsec_forged")).status_code == 400

    after = await scrape(observed)
    kind = "customer.subscription.updated"
    name = "portalql_webhook_deliveries_total"
    assert moved(before, after, name, type=kind, outcome="processed") == 1
    assert moved(before, after, name, type=kind, outcome="duplicate") == 1
    assert moved(before, after, name, type="unknown", outcome="rejected") == 1
    assert moved(before, after, "portalql_webhook_processing_lag_seconds_count") == 1


async def test_portal_links_created_redeemed_and_refused_with_codes_kept_out_of_the_log(
    observed: httpx.AsyncClient, tokens: Tokens, customer_a: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = await portal_link(observed, tokens, customer_a)
    code = path.rsplit("/", 1)[1]
    session = await mutate(
        observed,
        "createCustomerSession",
        {"customerId": customer_a},
        await tokens.api_key(),
        "customerSession { token }",
    )
    before = await scrape(observed)

    with caplog.at_level(logging.INFO, logger="portalql.access"):
        assert (await observed.get(path)).status_code == 303
        assert (await observed.get(path)).status_code == 410
        assert (await observed.get("/portal/s/never-issued")).status_code == 404
        await graphql(observed, "{ viewer { kind } }", token=session["customerSession"]["token"] + "x")

    after = await scrape(observed)
    assert moved(before, after, "portalql_portal_links_total", event="redeemed") == 1
    assert moved(before, after, "portalql_portal_links_total", event="refused") == 2
    assert moved(before, after, "portalql_customer_sessions_total", event="created") == 1
    assert moved(before, after, "portalql_customer_sessions_total", event="rejected") == 1
    link = {"route": "/portal/s/{code}", "method": "GET"}
    assert moved(before, after, "portalql_http_requests_total", **link, status="410") == 1
    access = [record.getMessage() for record in caplog.records if record.name == "portalql.access"]
    assert sum("/portal/s/[redacted]" in line for line in access) == 3
    assert not any(code in line or "never-issued" in line for line in access)


async def test_routes_are_counted_by_template(observed: httpx.AsyncClient) -> None:
    before = await scrape(observed)

    assert (await observed.get("/portal/assets/app.js")).status_code == 200
    assert (await observed.get("/portal/s/some-code-of-someone")).status_code == 404
    assert (await observed.get("/wp-login.php")).status_code == 404

    after = await scrape(observed)
    name = "portalql_http_requests_total"
    assert moved(before, after, name, route="/portal/assets/{path}", method="GET", status="200") == 1
    assert moved(before, after, name, route="/portal/s/{code}", method="GET", status="404") == 1
    assert moved(before, after, name, route="unmatched", method="GET", status="404") == 1
