"""Dataloaders: Stripe calls do not grow with the number of objects on a page, and keys are fetched once."""

from __future__ import annotations

import pytest

from stripe_sandbox.seed import demo_customer
from tests.fixtures.operations import execute, session_for

CUSTOMERS_WITH_PLANS = """
query Customers($first: Int!) {
  customers(first: $first) {
    edges { node { id name subscriptions { status items { price { lookupKey } product { name } } } } }
  }
}
"""


@pytest.mark.parametrize("first", [5, 20])
async def test_a_customer_page_with_plans_costs_two_calls_whatever_its_size(sandbox, gateway, first) -> None:
    sandbox.reset_calls()
    sandbox.hold_calls(2)

    data = await execute(gateway, CUSTOMERS_WITH_PLANS, {"first": first})

    customers = [edge["node"] for edge in data["customers"]["edges"]]
    assert len(customers) == min(first, 13)  # the demo has thirteen customers
    # The products come from the catalog, read beside the page rather than after it: one round trip.
    assert sandbox.calls() == {"GET /v1/customers": 1, "GET /v1/prices": 1}
    held = sandbox.held()
    assert held is not None
    assert held["outcome"] == "together"


async def test_the_full_customer_page_shows_every_plan(sandbox, gateway) -> None:
    data = await execute(gateway, CUSTOMERS_WITH_PLANS, {"first": 20})

    plans = {
        edge["node"]["name"]: [
            (s["status"], [i["price"]["lookupKey"] for i in s["items"]])
            for s in edge["node"]["subscriptions"]
        ]
        for edge in data["customers"]["edges"]
    }
    assert plans["Maya Chen"] == [("ACTIVE", ["pro_monthly"])]
    assert plans["Haruto Sato"] == [("ACTIVE", ["pro_monthly_jpy"])]
    assert plans["Sofia Rossi"] == [("ACTIVE", ["business_monthly", "seat_monthly"])]
    assert plans["Priya Raman"] == [("TRIALING", ["pro_monthly"])]
    assert plans["Diego Alvarez"] == [("PAST_DUE", ["pro_monthly"])]
    assert plans["Liam O'Brien"] == []  # cancelled: ended subscriptions are left out by default
    assert plans["Ethan Brooks"] == []


async def test_look_ahead_sees_subscriptions_through_fragments(sandbox, gateway) -> None:
    query = """
    query { customers(first: 20) { edges { node { ...Plans } } } }
    fragment Plans on Customer { ... on Customer { subscriptions { id } } }
    """
    sandbox.reset_calls()

    data = await execute(gateway, query)

    assert sum(len(edge["node"]["subscriptions"]) for edge in data["customers"]["edges"]) == 11
    assert sandbox.calls() == {"GET /v1/customers": 1}


async def test_ended_subscriptions_cost_one_list_call_per_customer_asked(sandbox, gateway) -> None:
    liam = next(c for c in sandbox.state.store.iter_type("customer") if c["name"] == "Liam O'Brien")
    query = """
    query($id: ID!) {
      customer(id: $id) {
        current: subscriptions { id }
        everything: subscriptions(status: [ACTIVE, CANCELED]) { status }
        canceled: subscriptions(status: [CANCELED]) { status }
      }
    }
    """
    sandbox.reset_calls()

    data = await execute(gateway, query, {"id": liam["id"]})

    assert data["customer"] == {
        "current": [],
        "everything": [{"status": "CANCELED"}],
        "canceled": [{"status": "CANCELED"}],
    }
    # The current list is a filter of the full one: one subscriptions call serves all three fields.
    assert sandbox.calls() == {"GET /v1/customers/{id}": 1, "GET /v1/subscriptions": 1}


async def test_invoice_payments_come_with_the_invoice_list(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)
    query = """
    query($id: ID!) {
      customer(id: $id) {
        invoices(first: 10) { edges { node { payments { status amountPaid { formatted } } } } }
      }
    }
    """
    sandbox.reset_calls()

    data = await execute(gateway, query, {"id": maya["id"]})

    payments = [edge["node"]["payments"] for edge in data["customer"]["invoices"]["edges"]]
    assert len(payments) == 10
    assert all(paid == [{"status": "PAID", "amountPaid": {"formatted": "$30.00"}}] for paid in payments[:4])
    assert sandbox.calls() == {"GET /v1/customers/{id}": 1, "GET /v1/invoices": 1}


async def test_payments_of_one_invoice_by_id_cost_one_call(sandbox, gateway) -> None:
    invoice = next(
        i
        for i in sandbox.state.store.iter_type("invoice")
        if i["customer"] == demo_customer(sandbox.state.store)["id"]
    )
    query = "query($id: ID!) { node(id: $id) { ... on Invoice { payments { status } } } }"
    sandbox.reset_calls()

    data = await execute(gateway, query, {"id": invoice["id"]})

    assert data["node"]["payments"] == [{"status": "PAID"}]
    assert sandbox.calls() == {"GET /v1/invoices/{id}": 1, "GET /v1/invoice_payments": 1}


async def test_the_same_object_asked_twice_is_fetched_once(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)
    query = """
    query($id: ID!) {
      a: customer(id: $id) { name }
      b: customer(id: $id) { email }
      c: node(id: $id) { id }
    }
    """
    sandbox.reset_calls()

    data = await execute(gateway, query, {"id": maya["id"]})

    assert data == {
        "a": {"name": "Maya Chen"},
        "b": {"email": "maya.chen@example.com"},
        "c": {"id": maya["id"]},
    }
    assert sandbox.calls() == {"GET /v1/customers/{id}": 1}


async def test_loaders_belong_to_one_request(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)
    query = "query($id: ID!) { customer(id: $id) { name } }"
    sandbox.reset_calls()

    for _ in range(2):
        await execute(gateway, query, {"id": maya["id"]})

    assert sandbox.calls() == {"GET /v1/customers/{id}": 2}


async def test_a_fetched_subscription_brings_its_prices(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)
    [subscription] = [s for s in sandbox.state.store.iter_type("subscription") if s["customer"] == maya["id"]]
    query = "query($id: ID!) { node(id: $id) { ... on Subscription { items { price { id active } } } } }"
    sandbox.reset_calls()

    data = await execute(gateway, query, {"id": subscription["id"]}, principal=session_for(maya["id"]))

    assert data["node"]["items"][0]["price"]["active"] is True
    assert sandbox.calls() == {"GET /v1/subscriptions/{id}": 1}


async def test_allowed_plan_changes_read_every_offered_price_in_one_call(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)
    query = "{ viewer { customer { subscriptions { allowedPlanChanges { lookupKey } } } } }"
    sandbox.reset_calls()

    data = await execute(gateway, query, principal=session_for(maya["id"]))

    [subscription] = data["viewer"]["customer"]["subscriptions"]
    assert [price["lookupKey"] for price in subscription["allowedPlanChanges"]] == [
        "starter_monthly",
        "starter_yearly",
        "pro_yearly",
        "business_monthly",
        "business_yearly",
    ]
    # One catalog read for the three products the configuration offers, not a call per product or price.
    assert sandbox.calls() == {
        "GET /v1/customers/{id}": 1,
        "GET /v1/billing_portal/configurations": 1,
        "GET /v1/prices": 1,
    }


PRODUCT_WITH_DEFAULT_PRICE = (
    'p{n}: node(id: "{id}") {{ ... on Product {{ name defaultPrice {{ id unitAmount {{ amount }} }} }} }}'
)


@pytest.mark.parametrize("count", [1, 4])
async def test_products_by_id_with_their_default_prices_cost_one_call(sandbox, gateway, count) -> None:
    products = list(sandbox.state.store.iter_type("product"))[:count]
    aliased = (PRODUCT_WITH_DEFAULT_PRICE.format(n=n, id=product["id"]) for n, product in enumerate(products))
    query = "{ " + " ".join(aliased) + " }"
    sandbox.reset_calls()

    data = await execute(gateway, query)

    shown = [data[f"p{n}"]["defaultPrice"] for n in range(count)]
    assert [price["id"] for price in shown] == [product["default_price"] for product in products]
    assert all(price["unitAmount"]["amount"] > 0 for price in shown)
    assert sandbox.calls() == {"GET /v1/products": 1}


async def test_default_prices_of_the_plans_on_a_customer_page_come_with_their_products(
    sandbox, gateway
) -> None:
    store = sandbox.state.store
    query = """
    {
      customers(first: 20) {
        edges { node { subscriptions { items { product { name defaultPrice { id } } } } } }
      }
    }
    """
    sandbox.reset_calls()

    data = await execute(gateway, query)

    shown = {
        item["product"]["name"]: item["product"]["defaultPrice"]["id"]
        for edge in data["customers"]["edges"]
        for subscription in edge["node"]["subscriptions"]
        for item in subscription["items"]
    }
    assert shown == {p["name"]: p["default_price"] for p in store.iter_type("product") if p["name"] in shown}
    assert len(shown) == 5  # Starter, Pro, Business, the seat product and the API add-on
    # The catalog holds every one of them with its default price.
    assert sandbox.calls() == {"GET /v1/customers": 1, "GET /v1/prices": 1}


async def test_a_product_whose_default_price_the_catalog_lacks_is_read_with_it_by_id(
    sandbox, gateway
) -> None:
    maya = demo_customer(sandbox.state.store)
    store = sandbox.state.store
    [subscription] = [s for s in store.iter_type("subscription") if s["customer"] == maya["id"]]
    pro = store.get(subscription["items"]["data"][0]["price"]["product"], "product")
    store.get(pro["default_price"], "price")["active"] = False  # archived: not in the catalog read
    query = "{ viewer { customer { subscriptions { items { product { name defaultPrice { id } } } } } } }"
    sandbox.reset_calls()

    data = await execute(gateway, query, principal=session_for(maya["id"]))

    [shown] = data["viewer"]["customer"]["subscriptions"]
    assert shown["items"][0]["product"] == {"name": "Pro", "defaultPrice": {"id": pro["default_price"]}}
    assert sandbox.calls() == {"GET /v1/customers/{id}": 1, "GET /v1/prices": 1, "GET /v1/products": 1}
