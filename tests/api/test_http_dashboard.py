"""The dashboard query `portalql serve` suggests, over HTTP with a customer session: data and Stripe calls."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portalql.cli.demo import DASHBOARD_QUERY
from tests.fixtures.app import graphql

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle


async def test_the_demo_dashboard_costs_one_stripe_call_per_resource_list(
    api: httpx.AsyncClient, tokens: Tokens, customer_a: str, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_a)

    body = await graphql(api, DASHBOARD_QUERY, token=token)

    assert "errors" not in body
    customer = body["data"]["viewer"]["customer"]
    assert (customer["id"], customer["name"], customer["email"]) == (
        customer_a,
        "Maya Chen",
        "maya.chen@example.com",
    )
    assert customer["defaultPaymentMethod"]["card"] == {
        "brand": "visa",
        "last4": "4242",
        "expMonth": 3,
        "expYear": 2029,
    }
    [subscription] = customer["subscriptions"]
    assert subscription["status"] == "ACTIVE"
    [item] = subscription["items"]
    assert item["price"]["product"]["name"] == "Pro"
    assert item["price"]["unitAmount"]["formatted"] == "$30.00"
    assert subscription["upcomingInvoice"]["amountDue"]["formatted"] == "$30.00"
    invoices = customer["invoices"]["edges"]
    assert len(invoices) == 10
    assert customer["invoices"]["pageInfo"]["hasNextPage"] is True
    assert {edge["node"]["status"] for edge in invoices} == {"PAID"}
    assert sorted(pm["card"]["last4"] for pm in customer["paymentMethods"]) == ["4242", "4444"]
    # Authentication is a database lookup; every Stripe call is one list or object the page shows (the
    # products come with the catalog read).
    assert sandbox.calls() == {
        "GET /v1/customers/{id}": 1,
        "GET /v1/prices": 1,
        "GET /v1/invoices": 1,
        "GET /v1/payment_methods": 1,
        "POST /v1/invoices/create_preview": 1,
    }
