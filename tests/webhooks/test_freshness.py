"""The read cache in the app: a warm dashboard costs no Stripe call, and a change made in Stripe (delivered by
the sandbox as a webhook) or through our own mutations shows in the very next query."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from portalql.cli.demo import DASHBOARD_QUERY
from stripe_sandbox.resources.account import set_branding
from tests.fixtures.app import graphql

if TYPE_CHECKING:
    import httpx
    import stripe

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle
    from tests.webhooks.conftest import Served

COLD_DASHBOARD = {
    "GET /v1/customers/{id}": 1,
    "GET /v1/prices": 1,
    "GET /v1/invoices": 1,
    "GET /v1/payment_methods": 1,
    "POST /v1/invoices/create_preview": 1,
}
# A change to one customer makes everything of the customer stale, not the catalog; and a subscription set
# to end has no upcoming invoice to preview.
AFTER_A_CANCEL = {"GET /v1/customers/{id}": 1, "GET /v1/invoices": 1, "GET /v1/payment_methods": 1}

CANCEL = """
mutation Cancel($id: ID!) {
  cancelSubscription(input: {subscriptionId: $id, mode: AT_PERIOD_END}) {
    subscription { id cancelAtPeriodEnd }
    userErrors { code message }
  }
}
"""


async def dashboard(
    client: httpx.AsyncClient, token: str, sandbox: SandboxHandle
) -> tuple[Any, dict[str, int]]:
    """The demo dashboard's data, and the Stripe calls it made."""
    sandbox.reset_calls()
    body = await graphql(client, DASHBOARD_QUERY, token=token)
    assert "errors" not in body, body["errors"]
    return body["data"]["viewer"]["customer"], sandbox.calls()


async def test_a_change_made_in_stripe_shows_in_the_next_query_and_a_warm_one_costs_nothing(
    *,
    client: httpx.AsyncClient,
    served: Served,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    tokens: Tokens,
    customer_a: str,
) -> None:
    token = await tokens.customer_session(customer_a)
    before, cold = await dashboard(client, token, sandbox)
    _, warm = await dashboard(client, token, sandbox)
    [subscription] = before["subscriptions"]

    # As if in Stripe's dashboard: the SDK straight against the sandbox, which then sends its webhook.
    await stripe_client.v1.subscriptions.update_async(subscription["id"], {"cancel_at_period_end": True})
    delivered = await served.deliveries()
    after, refreshed = await dashboard(client, token, sandbox)
    _, warm_again = await dashboard(client, token, sandbox)

    assert (cold, warm) == (COLD_DASHBOARD, {})
    assert subscription["cancelAtPeriodEnd"] is False
    assert len(delivered) == 1
    assert [s["cancelAtPeriodEnd"] for s in after["subscriptions"]] == [True]
    assert (refreshed, warm_again) == (AFTER_A_CANCEL, {})


async def test_a_webhook_about_one_customer_leaves_another_customers_cache_warm(
    *,
    client: httpx.AsyncClient,
    served: Served,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    tokens: Tokens,
    customer_a: str,
    customer_b: str,
) -> None:
    token_a, token_b = await tokens.customer_session(customer_a), await tokens.customer_session(customer_b)
    await dashboard(client, token_a, sandbox)
    customer, _ = await dashboard(client, token_b, sandbox)

    await stripe_client.v1.subscriptions.update_async(
        customer["subscriptions"][0]["id"], {"cancel_at_period_end": True}
    )
    await served.deliveries()
    _, for_a = await dashboard(client, token_a, sandbox)
    _, for_b = await dashboard(client, token_b, sandbox)

    assert for_a == {}
    assert for_b == AFTER_A_CANCEL


async def test_our_own_write_makes_the_next_query_fresh_without_waiting_for_a_webhook(
    client: httpx.AsyncClient, sandbox: SandboxHandle, tokens: Tokens, customer_a: str
) -> None:
    token = await tokens.customer_session(customer_a)
    before, _ = await dashboard(client, token, sandbox)
    subscription_id = before["subscriptions"][0]["id"]

    canceled = await graphql(client, CANCEL, {"id": subscription_id}, token=token)
    after, refreshed = await dashboard(client, token, sandbox)

    assert canceled["data"]["cancelSubscription"] == {
        "subscription": {"id": subscription_id, "cancelAtPeriodEnd": True},
        "userErrors": [],
    }
    assert [s["cancelAtPeriodEnd"] for s in after["subscriptions"]] == [True]
    assert refreshed == AFTER_A_CANCEL


async def test_a_product_renamed_in_stripe_shows_in_the_next_query(
    *,
    client: httpx.AsyncClient,
    served: Served,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    tokens: Tokens,
    customer_a: str,
) -> None:
    token = await tokens.customer_session(customer_a)
    await dashboard(client, token, sandbox)
    store = sandbox.state.store
    [subscription] = [s for s in store.iter_type("subscription") if s["customer"] == customer_a]
    product_id = subscription["items"]["data"][0]["price"]["product"]

    await stripe_client.v1.products.update_async(product_id, {"name": "Pro (2027)"})
    delivered = await served.deliveries()
    after, refreshed = await dashboard(client, token, sandbox)

    assert len(delivered) == 1
    assert [i["price"]["product"]["name"] for i in after["subscriptions"][0]["items"]] == ["Pro (2027)"]
    # Only the catalog was dropped: the customer's own reads stay cached.
    assert refreshed == {"GET /v1/prices": 1}


async def test_a_brand_changed_in_stripe_shows_on_the_next_page(
    *, client: httpx.AsyncClient, served: Served, sandbox: SandboxHandle
) -> None:
    before = await client.get("/portal")
    sandbox.reset_calls()
    cached = await client.get("/portal")
    assert sandbox.calls().get("GET /v1/account", 0) == 0  # the brand is read once for every page

    set_branding(sandbox.state.store, primary_color="#0a7c66")
    delivered = await served.deliveries()
    after = await client.get("/portal")

    assert len(delivered) == 1
    assert _brand_css(before.text) == _brand_css(cached.text) != _brand_css(after.text)
    assert "--accent: #0a7c66;" in (await client.get(_brand_css(after.text))).text
    assert sandbox.calls() == {"GET /v1/account": 1}


def _brand_css(page: str) -> str:
    found = re.search(r'href="(/portal/brand\.css\?v=\w+)"', page)
    assert found is not None
    return found.group(1)
