"""The portal dashboard query: realistic demo data in one Stripe call per resource list it needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe_sandbox.seed import DEMO_CUSTOMER_EMAIL, demo_customer
from tests.fixtures.operations import execute, run, session_for

if TYPE_CHECKING:
    from strawberry.types import ExecutionResult

DASHBOARD = """
query Dashboard {
  viewer {
    kind
    customer {
      id
      email
      name
      shipping { name address { line1 city } }
      taxIds { type value verificationStatus }
      defaultPaymentMethod { id card { brand last4 expMonth expYear } }
      subscriptions {
        id
        status
        currentPeriodEnd
        cancelAtPeriodEnd
        items {
          quantity
          price { id lookupKey unitAmount { amount currency formatted } recurring { interval intervalCount } }
          product { id name }
        }
        upcomingInvoice { isPreview periodEnd total { amount formatted } lines { periodStart } }
      }
      invoices(first: 10) {
        edges { cursor node { id number status total { amount formatted } created } }
        pageInfo { hasNextPage hasPreviousPage }
      }
      paymentMethods { id card { brand last4 } }
    }
  }
}
"""


async def test_dashboard_shows_the_demo_customer(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)

    data = await execute(gateway, DASHBOARD, principal=session_for(maya["id"]))

    customer = data["viewer"]["customer"]
    assert data["viewer"]["kind"] == "CUSTOMER_SESSION"
    assert (customer["id"], customer["email"], customer["name"]) == (
        maya["id"],
        DEMO_CUSTOMER_EMAIL,
        "Maya Chen",
    )
    assert customer["defaultPaymentMethod"]["card"] == {
        "brand": "visa",
        "last4": "4242",
        "expMonth": 3,
        "expYear": 2029,
    }
    assert [card["card"]["last4"] for card in customer["paymentMethods"]] == ["4242", "4444"]
    [subscription] = customer["subscriptions"]
    assert subscription["status"] == "ACTIVE"
    assert subscription["cancelAtPeriodEnd"] is False
    [item] = subscription["items"]
    assert item["quantity"] == 1
    assert item["product"]["name"] == "Pro"
    assert item["price"]["lookupKey"] == "pro_monthly"
    assert item["price"]["unitAmount"] == {"amount": 3000, "currency": "usd", "formatted": "$30.00"}
    assert item["price"]["recurring"] == {"interval": "MONTH", "intervalCount": 1}
    upcoming = subscription["upcomingInvoice"]
    assert upcoming["isPreview"] is True
    assert upcoming["total"] == {"amount": 3000, "formatted": "$30.00"}
    # It is the renewal: dated at the end of the current period, billing the period that follows.
    assert upcoming["periodEnd"] == subscription["currentPeriodEnd"] == "2026-12-15T07:00:00Z"
    assert [line["periodStart"] for line in upcoming["lines"]] == [subscription["currentPeriodEnd"]]
    invoices = customer["invoices"]
    assert len(invoices["edges"]) == 10
    assert invoices["pageInfo"] == {"hasNextPage": True, "hasPreviousPage": False}
    created = [edge["node"]["created"] for edge in invoices["edges"]]
    assert created == sorted(created, reverse=True)
    assert all(edge["cursor"] == edge["node"]["id"] for edge in invoices["edges"])
    assert all(edge["node"]["status"] == "PAID" for edge in invoices["edges"])
    assert invoices["edges"][0]["node"]["total"] == {"amount": 3000, "formatted": "$30.00"}


async def test_dashboard_makes_one_stripe_call_per_resource_list(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)
    sandbox.reset_calls()

    await execute(gateway, DASHBOARD, principal=session_for(maya["id"]))

    # The customer comes with its subscriptions (and their prices) and its tax ids in one call; the products
    # come from the catalog (active recurring prices with their products), read beside it.
    assert sandbox.calls() == {
        "GET /v1/customers/{id}": 1,
        "GET /v1/prices": 1,
        "GET /v1/invoices": 1,
        "GET /v1/payment_methods": 1,
        "POST /v1/invoices/create_preview": 1,
    }


async def test_only_the_preview_of_the_next_invoice_waits_for_another_call(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)
    sandbox.hold_calls(4)

    await execute(gateway, DASHBOARD, principal=session_for(maya["id"]))

    # Four calls in flight at once; the fifth previews a subscription, so it needs the subscription's id
    # from the customer's answer (Stripe previews no next invoice for a customer as a whole).
    held = sandbox.held()
    assert held is not None
    assert (held["outcome"], sorted(held["arrived"])) == (
        "together",
        ["GET /v1/customers/{id}", "GET /v1/invoices", "GET /v1/payment_methods", "GET /v1/prices"],
    )
    assert sandbox.calls()["POST /v1/invoices/create_preview"] == 1
    assert sum(sandbox.calls().values()) == 5


async def test_without_the_preview_the_dashboard_is_one_round_trip(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)
    without_preview = DASHBOARD.replace(
        "upcomingInvoice { isPreview periodEnd total { amount formatted } lines { periodStart } }", ""
    )
    sandbox.hold_calls(4)

    data = await execute(gateway, without_preview, principal=session_for(maya["id"]))

    [subscription] = data["viewer"]["customer"]["subscriptions"]
    assert subscription["items"][0]["product"]["name"] == "Pro"
    held = sandbox.held()
    assert held is not None
    assert held["outcome"] == "together"
    assert sum(sandbox.calls().values()) == 4


async def test_a_multi_item_subscription_still_costs_one_catalog_call(sandbox, gateway) -> None:
    sofia = next(c for c in sandbox.state.store.iter_type("customer") if c["name"] == "Sofia Rossi")
    sandbox.reset_calls()

    data = await execute(gateway, DASHBOARD, principal=session_for(sofia["id"]))

    [subscription] = data["viewer"]["customer"]["subscriptions"]
    assert [(i["product"]["name"], i["quantity"]) for i in subscription["items"]] == [
        ("Business", 1),
        ("Additional seat", 5),
    ]
    assert subscription["upcomingInvoice"]["total"]["formatted"] == "$130.00"
    assert sandbox.calls()["GET /v1/prices"] == 1
    assert "GET /v1/products" not in sandbox.calls()
    assert "GET /v1/prices/{id}" not in sandbox.calls()


async def test_the_archived_product_of_a_subscription_is_read_by_id(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)
    store = sandbox.state.store
    [subscription] = [s for s in store.iter_type("subscription") if s["customer"] == maya["id"]]
    pro = store.get(subscription["items"]["data"][0]["price"]["product"], "product")
    # Retired: the product and every price of it archived, so the catalog of active prices lacks it.
    pro["active"] = False
    for price in store.iter_type("price"):
        if price["product"] == pro["id"]:
            price["active"] = False
    sandbox.reset_calls()

    data = await execute(gateway, DASHBOARD, principal=session_for(maya["id"]))

    [shown] = data["viewer"]["customer"]["subscriptions"]
    assert shown["items"][0]["product"] == {"id": pro["id"], "name": "Pro"}
    assert sandbox.calls()["GET /v1/prices"] == 1
    assert sandbox.calls()["GET /v1/products"] == 1


async def test_an_api_key_viewer_has_no_customer(sandbox, gateway) -> None:
    sandbox.reset_calls()

    data = await execute(gateway, DASHBOARD)

    assert data == {"viewer": {"kind": "API_KEY", "customer": None}}
    assert sandbox.calls() == {}


async def test_no_credentials_is_unauthenticated(sandbox, gateway) -> None:
    sandbox.reset_calls()

    result = await run(gateway, DASHBOARD, principal=None)

    assert result.data is None
    assert [(error.message, error.extensions) for error in result.errors or []] == [
        (
            "Authentication required: send an API key or a customer session token.",
            {"code": "UNAUTHENTICATED"},
        )
    ]
    assert sandbox.calls() == {}


async def test_a_deleted_customer_answers_not_found_for_what_needs_its_record(
    sandbox, gateway, stripe_client
) -> None:
    maya = demo_customer(sandbox.state.store)
    await stripe_client.v1.customers.delete_async(maya["id"])

    async def as_maya(query: str) -> ExecutionResult:
        return await run(gateway, query, principal=session_for(maya["id"]))

    sandbox.reset_calls()
    named = await as_maya("{ viewer { customer { id name } } }")
    listed = await as_maya("{ viewer { customer { subscriptions { id } } } }")
    invoiced = await as_maya("{ viewer { customer { id invoices(first: 2) { edges { node { id } } } } } }")

    assert named.data == {"viewer": {"customer": {"id": maya["id"], "name": None}}}
    assert [(e.path, (e.extensions or {}).get("code")) for e in named.errors or []] == [
        (["viewer", "customer", "name"], "NOT_FOUND")
    ]
    assert listed.data == {"viewer": {"customer": None}}
    assert [(e.path, (e.extensions or {}).get("code")) for e in listed.errors or []] == [
        (["viewer", "customer", "subscriptions"], "NOT_FOUND")
    ]
    # Invoices need only the id the session holds: Stripe still lists a deleted customer's invoices.
    assert invoiced.errors is None
    assert invoiced.data is not None
    assert len(invoiced.data["viewer"]["customer"]["invoices"]["edges"]) == 2
    assert sandbox.calls() == {"GET /v1/customers/{id}": 2, "GET /v1/invoices": 1}


async def test_the_billing_details_come_with_the_customer(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)
    sandbox.reset_calls()

    data = await execute(gateway, DASHBOARD, principal=session_for(maya["id"]))

    customer = data["viewer"]["customer"]
    assert customer["shipping"] == {
        "name": "Maya Chen",
        "address": {"line1": "1 Ferry Building", "city": "San Francisco"},
    }
    assert customer["taxIds"] == [
        {"type": "US_EIN", "value": "12-3456789", "verificationStatus": "UNAVAILABLE"}
    ]
    assert sandbox.calls()["GET /v1/customers/{id}"] == 1
