"""Every object the sandbox returns has exactly the top-level fields of Stripe's published example object.

The field sets come from Stripe's fixtures (`stripe_shapes.json`, written by `extract_shapes.py`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from stripe_sandbox.resources.account import new_file_with_link, set_branding

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx
    import stripe

    from tests.fixtures.sandbox import SandboxHandle
    from tests.sandbox.conftest import Paid

SHAPES: dict[str, list[str]] = json.loads(Path(__file__).with_name("stripe_shapes.json").read_text())


@pytest.fixture
async def wire_objects(  # noqa: PLR0917 - pytest passes fixtures by name
    wire: httpx.AsyncClient,
    stripe_client: stripe.StripeClient,
    customer: stripe.Customer,
    subscription: stripe.Subscription,
    pay: Callable[..., Paid],
    sandbox: SandboxHandle,
) -> dict[str, dict[str, Any]]:
    """One of each resource, exactly as it comes over the wire, keyed by its name in Stripe's fixtures."""
    paid = pay(1000)
    refund = await stripe_client.v1.refunds.create_async({"charge": paid.charge, "amount": 100})
    configuration = await stripe_client.v1.billing_portal.configurations.create_async(
        {"features": {"invoice_history": {"enabled": True}}}
    )
    invoice_item = await stripe_client.v1.invoice_items.create_async(
        {"customer": customer.id, "amount": 500, "currency": "usd", "description": "Setup"}
    )
    other = await stripe_client.v1.customers.create_async({"email": "gone@example.com"})
    invoice_id = str(subscription.latest_invoice)
    item = subscription["items"].data[0]
    card = customer.invoice_settings.default_payment_method

    async def get(path: str, **params: Any) -> dict[str, Any]:
        response = await wire.get(path, params=params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def post(path: str, **data: Any) -> dict[str, Any]:
        response = await wire.post(path, data=data)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    payments = await get("/v1/invoice_payments", invoice=invoice_id)
    setup_intent = await stripe_client.v1.setup_intents.create_async({"customer": customer.id})
    coupon = await post("/v1/coupons", percent_off="25.5", duration="repeating", duration_in_months="3")
    await post(f"/v1/subscriptions/{subscription.id}", **{"discounts[0][coupon]": coupon["id"]})
    discounted = await get(f"/v1/subscriptions/{subscription.id}", **{"expand[]": "discounts"})
    meter = await post(
        "/v1/billing/meters",
        display_name="API calls",
        event_name="api_request",
        **{"default_aggregation[formula]": "sum"},
    )
    usage = {"event_name": "api_request", "payload[stripe_customer_id]": customer.id, "payload[value]": "3"}
    grant = await post(
        "/v1/billing/credit_grants",
        customer=customer.id,
        **{
            "amount[type]": "monetary",
            "amount[monetary][currency]": "usd",
            "amount[monetary][value]": "500",
            "applicability_config[scope][price_type]": "metered",
        },
    )
    summary_params = {"filter[type]": "credit_grant", "filter[credit_grant]": grant["id"]}
    window = {"start_time": 1_794_700_800, "end_time": 1_794_787_200}
    logo = new_file_with_link(sandbox.state.store, url="https://files.example.com/links/logo")
    set_branding(sandbox.state.store, logo=logo["id"])
    account = await get("/v1/account", **{"expand[]": "settings.branding.logo"})
    return {
        "account": await get("/v1/account"),
        "file": account["settings"]["branding"]["logo"],
        "file_link": account["settings"]["branding"]["logo"]["links"]["data"][0],
        "billing.credit_balance_summary": await get(
            "/v1/billing/credit_balance_summary", customer=customer.id, **summary_params
        ),
        "billing.credit_balance_transaction": (
            await get("/v1/billing/credit_balance_transactions", customer=customer.id)
        )["data"][0],
        "billing.credit_grant": grant,
        "billing.meter": meter,
        "billing.meter_event": await post("/v1/billing/meter_events", **usage),
        "billing.meter_event_summary": (
            await get(f"/v1/billing/meters/{meter['id']}/event_summaries", customer=customer.id, **window)
        )["data"][0],
        "customer_balance_transaction": await post(
            f"/v1/customers/{customer.id}/balance_transactions", amount="-100", currency="usd"
        ),
        "billing_portal.configuration": await get(f"/v1/billing_portal/configurations/{configuration.id}"),
        "billing_portal.session": await post(
            "/v1/billing_portal/sessions", customer=customer.id, configuration=configuration.id
        ),
        "charge": await get(f"/v1/charges/{paid.charge}"),
        "coupon": await get(f"/v1/coupons/{coupon['id']}"),
        "discount": discounted["discounts"][0],
        "customer": await get(f"/v1/customers/{customer.id}"),
        "deleted_customer": (await wire.delete(f"/v1/customers/{other.id}")).json(),
        "event": (await get("/v1/events", limit=1))["data"][0],
        "invoice": await get(f"/v1/invoices/{invoice_id}"),
        "invoice_payment": payments["data"][0],
        "invoiceitem": await get(f"/v1/invoiceitems/{invoice_item.id}"),
        "line_item": (await get(f"/v1/invoices/{invoice_id}/lines"))["data"][0],
        "payment_intent": await get(f"/v1/payment_intents/{paid.payment_intent}"),
        "payment_method": await get(f"/v1/payment_methods/{card}"),
        "price": await get(f"/v1/prices/{item.price.id}"),
        "product": await get(f"/v1/products/{item.price.product}"),
        "refund": await get(f"/v1/refunds/{refund.id}"),
        "setup_intent": await get(f"/v1/setup_intents/{setup_intent.id}"),
        "subscription": await get(f"/v1/subscriptions/{subscription.id}"),
        "subscription_item": await get(f"/v1/subscription_items/{item.id}"),
        "subscription_schedule": await post("/v1/subscription_schedules", from_subscription=subscription.id),
    }


async def test_top_level_fields_match_stripes_examples(wire_objects: dict[str, dict[str, Any]]) -> None:
    assert sorted(wire_objects) == sorted(SHAPES)
    mismatches = {
        name: {"not in Stripe's example": sorted(obj.keys() - set(SHAPES[name])),
               "missing": sorted(set(SHAPES[name]) - obj.keys())}
        for name, obj in wire_objects.items()
        if obj.keys() != set(SHAPES[name])
    }  # fmt: skip

    assert mismatches == {}
