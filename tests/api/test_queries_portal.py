"""The portal configuration in force and the plans it offers."""

from __future__ import annotations

from typing import Any

from resolvers.context import RequestContext
from schema import build_schema
from schema.context import Context
from stripe_gateway.caching import CachedGateway, MemoryStore
from stripe_sandbox.seed import demo_customer
from tests.fixtures.operations import execute, session_for
from tests.fixtures.page_documents import DOCUMENTS


async def test_the_default_configuration_shows_its_features(sandbox, gateway) -> None:
    query = """
    {
      portalConfiguration {
        isDefault
        businessProfile { headline termsOfServiceUrl }
        defaultReturnUrl
        features {
          customerUpdate { enabled allowedUpdates }
          invoiceHistoryEnabled
          paymentMethodUpdateEnabled
          subscriptionCancel { enabled mode prorationBehavior reasonEnabled reasonOptions }
          subscriptionUpdate {
            enabled
            allowedUpdates
            prorationBehavior
            products { product { name } prices { lookupKey } }
          }
        }
      }
    }
    """

    configuration = (await execute(gateway, query))["portalConfiguration"]

    assert configuration["isDefault"] is True
    assert configuration["businessProfile"] == {
        "headline": "Lumenpad partners with Stripe for simplified billing.",
        "termsOfServiceUrl": "https://lumenpad.example.com/legal/terms",
    }
    assert configuration["defaultReturnUrl"] == "https://app.lumenpad.example.com/settings/billing"
    features = configuration["features"]
    assert features["customerUpdate"] == {
        "enabled": True,
        "allowedUpdates": ["EMAIL", "NAME", "ADDRESS", "PHONE", "SHIPPING", "TAX_ID"],
    }
    assert features["invoiceHistoryEnabled"] is True
    assert features["paymentMethodUpdateEnabled"] is True
    assert features["subscriptionCancel"]["mode"] == "AT_PERIOD_END"
    assert features["subscriptionCancel"]["reasonOptions"][:2] == ["CUSTOMER_SERVICE", "LOW_QUALITY"]
    update = features["subscriptionUpdate"]
    assert (update["enabled"], update["allowedUpdates"], update["prorationBehavior"]) == (
        True,
        ["PRICE", "QUANTITY"],
        "CREATE_PRORATIONS",
    )
    assert [offered["product"]["name"] for offered in update["products"]] == [
        "Starter",
        "Pro",
        "Business",
        "Additional seat",
    ]
    assert [price["lookupKey"] for price in update["products"][1]["prices"]] == [
        "pro_monthly",
        "pro_yearly",
        "pro_monthly_jpy",
        "pro_yearly_jpy",
    ]


async def test_products_are_the_plans_on_offer(sandbox, gateway) -> None:
    sandbox.reset_calls()

    data = await execute(gateway, "{ products { name description defaultPrice { id } active } }")

    assert [(product["name"], product["active"]) for product in data["products"]] == [
        ("Starter", True),
        ("Pro", True),
        ("Business", True),
    ]
    assert data["products"][0]["description"] == "Notes and boards for one person."
    assert all(product["defaultPrice"]["id"].startswith("price_") for product in data["products"])
    defaults = {p["name"]: p["default_price"] for p in sandbox.state.store.iter_type("product")}
    assert [product["defaultPrice"]["id"] for product in data["products"]] == [
        defaults["Starter"],
        defaults["Pro"],
        defaults["Business"],
    ]
    # One call for the configuration and one for its products, their default prices expanded in it.
    assert sandbox.calls() == {"GET /v1/billing_portal/configurations": 1, "GET /v1/products": 1}


PORTAL_PAGE_DASHBOARD = DOCUMENTS["DASHBOARD"]
OFFERED_REASONS = [
    "CUSTOMER_SERVICE",
    "LOW_QUALITY",
    "MISSING_FEATURES",
    "OTHER",
    "SWITCHED_SERVICE",
    "TOO_COMPLEX",
    "TOO_EXPENSIVE",
    "UNUSED",
]
# What the page sends for a session holding every scope, under a configuration showing invoice history.
EVERY_SECTION = {
    "locale": "en-US",
    "pageSize": 10,
    "subscriptions": True,
    "invoices": True,
    "history": True,
    "paymentMethods": True,
    "details": True,
    "usage": True,
    "credits": True,
}


# What the page reads beside the customer whoever it is, metered plans or not: the meters (one catalog-like
# call), and the credit balance, grants and ledger.
USAGE_AND_CREDIT = [
    "GET /v1/billing/credit_balance_summary",
    "GET /v1/billing/credit_balance_transactions",
    "GET /v1/billing/credit_grants",
    "GET /v1/billing/meters",
]
# One call per list the page shows; the offered prices, their products and the products of the customer's
# subscriptions come in the one catalog read.
PORTAL_PAGE_COLD = {
    "GET /v1/customers/{id}": 1,
    "GET /v1/billing_portal/configurations": 1,
    "GET /v1/prices": 1,
    "GET /v1/invoices": 1,
    "GET /v1/payment_methods": 1,
    "POST /v1/invoices/create_preview": 1,
    **dict.fromkeys(USAGE_AND_CREDIT, 1),
}


async def portal_page(gateway: Any, customer_id: str) -> dict[str, Any]:
    data = await execute(gateway, PORTAL_PAGE_DASHBOARD, EVERY_SECTION, principal=session_for(customer_id))
    customer: dict[str, Any] = data["viewer"]["customer"]
    return customer


async def test_the_portal_page_reads_the_plans_on_offer_in_one_prices_call(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)
    sandbox.reset_calls()

    customer = await portal_page(gateway, maya["id"])

    [subscription] = customer["subscriptions"]
    assert [(p["nickname"], p["product"]["name"]) for p in subscription["allowedPlanChanges"]] == [
        ("Starter monthly (USD)", "Starter"),
        ("Starter yearly (USD)", "Starter"),
        ("Pro yearly (USD)", "Pro"),
        ("Business monthly (USD)", "Business"),
        ("Business yearly (USD)", "Business"),
    ]
    assert subscription["items"][0]["price"]["product"]["name"] == "Pro"
    # The item's product comes from the catalog read that also holds the offered prices: no products call.
    assert sandbox.calls() == PORTAL_PAGE_COLD


async def test_the_portal_page_costs_no_stripe_call_when_the_cache_is_warm(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)
    cache = CachedGateway(gateway, MemoryStore())
    sandbox.reset_calls()

    cold = await portal_page(cache, maya["id"])
    cold_calls = sandbox.calls()
    sandbox.reset_calls()
    warm = await portal_page(cache, maya["id"])

    assert cold_calls == PORTAL_PAGE_COLD
    assert sandbox.calls() == {}
    assert warm == cold


async def test_what_the_page_shows_as_allowed_costs_its_dashboard_no_stripe_call(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)
    cache = CachedGateway(gateway, MemoryStore())
    context = Context(RequestContext(gateway=cache, principal=session_for(maya["id"])))
    boot = await build_schema().execute(DOCUMENTS["BOOT"], context_value=context)
    assert boot.errors is None, boot.errors
    assert boot.data is not None
    sandbox.reset_calls()
    sandbox.hold_calls(8)

    customer = await portal_page(cache, maya["id"])

    # The page boots with the configuration (and the capabilities drawn from it); the dashboard's actions
    # then read it from the cache: eight calls in one round trip, and the preview that needs their answer
    # (the first visit: the subscription's id comes with the customer).
    assert boot.data["viewer"]["customer"]["capabilities"] == {
        "viewInvoices": True,
        "updatePaymentMethods": True,
        "addPaymentMethods": False,  # no publishable key in this context
        "payInvoices": True,
        "updateCustomerFields": ["EMAIL", "NAME", "ADDRESS", "PHONE", "SHIPPING", "TAX_ID"],
    }
    held = sandbox.held()
    assert held is not None
    assert (held["outcome"], sorted(held["arrived"])) == (
        "together",
        sorted(
            [
                "GET /v1/customers/{id}",
                "GET /v1/invoices",
                "GET /v1/payment_methods",
                "GET /v1/prices",
                *USAGE_AND_CREDIT,
            ]
        ),
    )
    assert sandbox.calls() == {
        "GET /v1/customers/{id}": 1,
        "GET /v1/prices": 1,
        "GET /v1/invoices": 1,
        "GET /v1/payment_methods": 1,
        "POST /v1/invoices/create_preview": 1,
        **dict.fromkeys(USAGE_AND_CREDIT, 1),
    }
    [subscription] = customer["subscriptions"]
    assert subscription["actions"] == {
        "payInvoice": {"allowed": False},  # nothing is owed
        "changePlan": {"allowed": True},
        "cancel": {"allowed": True, "mode": "AT_PERIOD_END", "reasons": OFFERED_REASONS},
        "reactivate": {"allowed": False},
        "pause": {
            "allowed": True,
            "indefinite": False,
            "durations": [
                {"interval": "MONTH", "intervalCount": 1},
                {"interval": "MONTH", "intervalCount": 3},
            ],
        },
        "resume": {"allowed": False},
    }


async def test_an_archived_price_is_shown_as_listed_but_not_offered_as_a_plan_change(
    sandbox, gateway
) -> None:
    maya = demo_customer(sandbox.state.store)
    pro_yearly = next(p for p in sandbox.state.store.iter_type("price") if p["lookup_key"] == "pro_yearly")
    pro_yearly["active"] = False
    listed = """
    { portalConfiguration { features { subscriptionUpdate { products { prices { lookupKey active } } } } } }
    """
    offered = "{ viewer { customer { subscriptions { allowedPlanChanges { lookupKey } } } } }"
    sandbox.reset_calls()

    configuration = await execute(gateway, listed)
    listed_calls = sandbox.calls()
    customer = (await execute(gateway, offered, principal=session_for(maya["id"])))["viewer"]["customer"]

    products = configuration["portalConfiguration"]["features"]["subscriptionUpdate"]["products"]
    assert products[1]["prices"][:2] == [
        {"lookupKey": "pro_monthly", "active": True},
        {"lookupKey": "pro_yearly", "active": False},
    ]
    # The catalog read holds active prices only: the archived one the configuration lists is read by id.
    assert listed_calls == {
        "GET /v1/billing_portal/configurations": 1,
        "GET /v1/prices": 1,
        "GET /v1/prices/{id}": 1,
    }
    [subscription] = customer["subscriptions"]
    assert "pro_yearly" not in [price["lookupKey"] for price in subscription["allowedPlanChanges"]]
