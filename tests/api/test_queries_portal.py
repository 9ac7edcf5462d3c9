"""The portal configuration in force and the plans it offers."""

from __future__ import annotations

from typing import Any

from resolvers.context import RequestContext
from resolvers.principals import ApiKeyPrincipal
from schema import build_schema
from schema.context import Context

API_KEY = ApiKeyPrincipal("key_1", "backend", livemode=False)


async def execute(gateway: Any, query: str) -> dict[str, Any]:
    result = await build_schema().execute(
        query, context_value=Context(RequestContext(gateway=gateway, principal=API_KEY))
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


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
        "allowedUpdates": ["EMAIL", "NAME", "ADDRESS", "PHONE"],
    }
    assert features["invoiceHistoryEnabled"] is True
    assert features["paymentMethodUpdateEnabled"] is True
    assert features["subscriptionCancel"]["mode"] == "AT_PERIOD_END"
    assert features["subscriptionCancel"]["reasonOptions"][:2] == ["CUSTOMER_SERVICE", "LOW_QUALITY"]
    update = features["subscriptionUpdate"]
    assert (update["enabled"], update["allowedUpdates"], update["prorationBehavior"]) == (
        True,
        ["PRICE"],
        "CREATE_PRORATIONS",
    )
    assert [offered["product"]["name"] for offered in update["products"]] == ["Starter", "Pro", "Business"]
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
