"""`previewPlanChange` and `changePlan` over HTTP against the sandbox: the change costs what was previewed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest

from resolvers.principals import Scope
from stripe_sandbox.resources.payment_methods import new_card
from tests.api.mutation_support import (
    AMARA,
    DIEGO,
    HARUTO,
    LIAM,
    MAYA,
    NOAH,
    codes,
    customer_id,
    item_price,
    mutate,
    portal_configuration,
    price_id,
    subscription,
    writes,
)
from tests.fixtures.app import graphql

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

PREVIEW = """
preview {
  prorationDate
  amountDueNow { amount currency }
  prorationLines { amount { amount } proration periodStart periodEnd }
  nextInvoice { total { amount currency } periodEnd lines { amount { amount } } }
  subscription { id }
}
"""
CHANGED = """
subscription { id status items { price { id } quantity } latestInvoice { amountPaid { amount currency } } }
"""
DAY = 86_400


async def session_for(tokens: Tokens, sandbox: SandboxHandle, name: str) -> str:
    return await tokens.customer_session(customer_id(sandbox, name))


def bill_changes_now(sandbox: SandboxHandle) -> None:
    """Make the portal invoice plan changes at once (`always_invoice`) instead of on the next invoice."""
    portal_configuration(sandbox)["features"]["subscription_update"]["proration_behavior"] = "always_invoice"


async def preview(api: httpx.AsyncClient, token: str, subscription_id: str, price: str) -> dict[str, Any]:
    payload = await mutate(
        api, "previewPlanChange", {"subscriptionId": subscription_id, "priceId": price}, token, PREVIEW
    )
    assert payload["userErrors"] == []
    result: dict[str, Any] = payload["preview"]
    return result


async def change(
    api: httpx.AsyncClient, token: str, subscription_id: str, price: str, **more: Any
) -> dict[str, Any]:
    return await mutate(
        api, "changePlan", {"subscriptionId": subscription_id, "priceId": price, **more}, token, CHANGED
    )


async def upcoming_total(api: httpx.AsyncClient, token: str, customer: str) -> dict[str, Any]:
    body = await graphql(
        api,
        "query($id: ID!) { customer(id: $id) { upcomingInvoice { total { amount currency } } } }",
        {"id": customer},
        token=token,
    )
    total: dict[str, Any] = body["data"]["customer"]["upcomingInvoice"]["total"]
    return total


async def test_a_change_billed_with_the_next_invoice_makes_it_what_the_preview_showed(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await session_for(tokens, sandbox, MAYA)
    subscription_id = subscription(sandbox, MAYA)["id"]
    business = price_id(sandbox, "business_monthly")

    shown = await preview(api, token, subscription_id, business)
    sandbox.advance(DAY)  # a day later the same change would prorate differently
    changed = await change(api, token, subscription_id, business, prorationDate=shown["prorationDate"])

    assert shown["amountDueNow"] == {"amount": 0, "currency": "usd"}
    assert [line["proration"] for line in shown["prorationLines"]] == [True, True]
    assert shown["prorationLines"][0]["amount"]["amount"] < 0 < shown["prorationLines"][1]["amount"]["amount"]
    assert changed["userErrors"] == []
    assert changed["subscription"]["items"] == [{"price": {"id": business}, "quantity": 1}]
    assert item_price(sandbox, MAYA) == business
    assert await upcoming_total(api, token, customer_id(sandbox, MAYA)) == shown["nextInvoice"]["total"]
    assert writes(sandbox) == {
        "POST /v1/invoices/create_preview": 2,  # the preview, and the upcoming invoice read afterwards
        "POST /v1/subscriptions/{id}": 1,
    }


async def test_a_change_billed_at_once_charges_exactly_the_previewed_amount(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await session_for(tokens, sandbox, MAYA)
    subscription_id = subscription(sandbox, MAYA)["id"]
    yearly = price_id(sandbox, "pro_yearly")  # a new interval starts a new billing cycle, billed now

    shown = await preview(api, token, subscription_id, yearly)
    sandbox.advance(DAY)
    later = await preview(api, token, subscription_id, yearly)
    changed = await change(api, token, subscription_id, yearly, prorationDate=shown["prorationDate"])

    assert shown["amountDueNow"]["amount"] > 0
    assert later["amountDueNow"]["amount"] > shown["amountDueNow"]["amount"]  # a day less to credit
    assert changed["userErrors"] == []
    assert changed["subscription"]["latestInvoice"]["amountPaid"] == shown["amountDueNow"]
    latest = sandbox.state.store.get(subscription(sandbox, MAYA)["latest_invoice"], "invoice")
    assert (latest["amount_paid"], latest["status"]) == (shown["amountDueNow"]["amount"], "paid")
    assert shown["nextInvoice"]["total"] == {"amount": 30000, "currency": "usd"}  # the first yearly renewal


async def test_a_yen_change_charges_exactly_the_previewed_yen(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    bill_changes_now(sandbox)
    token = await session_for(tokens, sandbox, HARUTO)
    subscription_id = subscription(sandbox, HARUTO)["id"]
    business = price_id(sandbox, "business_monthly_jpy")

    shown = await preview(api, token, subscription_id, business)
    sandbox.advance(DAY)
    changed = await change(api, token, subscription_id, business, prorationDate=shown["prorationDate"])

    assert shown["amountDueNow"]["currency"] == "jpy"
    assert 0 < shown["amountDueNow"]["amount"] < 9000 - 3000  # the unused part of the month, in whole yen
    assert shown["nextInvoice"]["total"] == {"amount": 9000, "currency": "jpy"}
    assert changed["userErrors"] == []
    assert changed["subscription"]["latestInvoice"]["amountPaid"] == shown["amountDueNow"]
    assert item_price(sandbox, HARUTO) == business


async def test_a_retry_with_the_same_key_changes_the_plan_once(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    bill_changes_now(sandbox)
    token = await session_for(tokens, sandbox, MAYA)
    subscription_id = subscription(sandbox, MAYA)["id"]
    business = price_id(sandbox, "business_monthly")

    first = await change(api, token, subscription_id, business, idempotencyKey="upgrade-1")
    retry = await change(api, token, subscription_id, business, idempotencyKey="upgrade-1")

    assert first["userErrors"] == retry["userErrors"] == []
    assert retry["subscription"]["items"] == first["subscription"]["items"]
    assert writes(sandbox)["POST /v1/subscriptions/{id}"] == 1
    charged = [i for i in sandbox.state.store.all("invoice") if i["billing_reason"] == "subscription_update"]
    assert len([i for i in charged if i["customer"] == customer_id(sandbox, MAYA)]) == 1


async def test_the_same_key_for_another_change_is_refused(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await session_for(tokens, sandbox, MAYA)
    subscription_id = subscription(sandbox, MAYA)["id"]

    await change(api, token, subscription_id, price_id(sandbox, "business_monthly"), idempotencyKey="k1")
    reused = await change(
        api, token, subscription_id, price_id(sandbox, "starter_monthly"), idempotencyKey="k1"
    )

    assert codes(reused) == ["IDEMPOTENCY_KEY_REUSED"]
    assert reused["userErrors"][0]["field"] == ["input", "idempotencyKey"]
    assert item_price(sandbox, MAYA) == price_id(sandbox, "business_monthly")


async def test_a_declined_card_leaves_the_plan_as_it_was(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    bill_changes_now(sandbox)
    store = sandbox.state.store
    maya = store.get(customer_id(sandbox, MAYA), "customer")
    declining = new_card(store, customer=maya["id"], last4="0341")
    maya["invoice_settings"]["default_payment_method"] = declining["id"]
    token = await session_for(tokens, sandbox, MAYA)
    before = item_price(sandbox, MAYA)

    payload = await change(
        api, token, subscription(sandbox, MAYA)["id"], price_id(sandbox, "business_monthly")
    )

    assert codes(payload) == ["PAYMENT_FAILED"]
    assert payload["subscription"] is None
    assert item_price(sandbox, MAYA) == before
    assert subscription(sandbox, MAYA)["status"] == "active"


@pytest.mark.parametrize(
    ("name", "lookup_key", "code", "field"),
    [
        pytest.param(MAYA, "seat_monthly", "PRICE_NOT_ALLOWED", "priceId", id="price-outside-the-portal"),
        pytest.param(MAYA, "business_monthly_jpy", "PRICE_NOT_ALLOWED", "priceId", id="other-currency"),
        pytest.param(DIEGO, "business_monthly", "SUBSCRIPTION_NOT_ACTIVE", "subscriptionId", id="past-due"),
        pytest.param(AMARA, "business_monthly", "SUBSCRIPTION_NOT_ACTIVE", "subscriptionId", id="canceling"),
        pytest.param(LIAM, "business_monthly", "SUBSCRIPTION_ENDED", "subscriptionId", id="canceled"),
    ],
)
async def test_changes_the_portal_does_not_allow_are_refused_before_stripe_is_called(
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    *,
    name: str,
    lookup_key: str,
    code: str,
    field: str,
) -> None:
    token = await session_for(tokens, sandbox, name)
    subscription_id = subscription(sandbox, name)["id"]
    sandbox.reset_calls()

    for mutation in ("previewPlanChange", "changePlan"):
        payload = await mutate(
            api,
            mutation,
            {"subscriptionId": subscription_id, "priceId": price_id(sandbox, lookup_key)},
            token,
        )
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, ["input", field])]
    assert writes(sandbox) == {}


async def test_a_quantity_the_portal_does_not_let_customers_change_is_refused(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await session_for(tokens, sandbox, MAYA)
    subscription_id = subscription(sandbox, MAYA)["id"]

    more_seats = await change(api, token, subscription_id, item_price(sandbox, MAYA), quantity=3)
    none_at_all = await change(
        api, await tokens.api_key(), subscription_id, item_price(sandbox, MAYA), quantity=0
    )

    assert [(e["code"], e["field"]) for e in more_seats["userErrors"]] == [
        ("QUANTITY_NOT_ALLOWED", ["input", "quantity"])
    ]
    assert codes(none_at_all) == ["QUANTITY_NOT_ALLOWED"]


async def test_a_quantity_within_the_configured_range_is_changed(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    update = portal_configuration(sandbox)["features"]["subscription_update"]
    update["default_allowed_updates"] = ["price", "quantity"]
    for product in update["products"]:
        product["adjustable_quantity"] = {"enabled": True, "maximum": 5, "minimum": 1}
    token = await session_for(tokens, sandbox, MAYA)
    subscription_id = subscription(sandbox, MAYA)["id"]
    current = item_price(sandbox, MAYA)

    three = await change(api, token, subscription_id, current, quantity=3)
    six = await change(api, token, subscription_id, current, quantity=6)

    assert three["userErrors"] == []
    assert three["subscription"]["items"] == [{"price": {"id": current}, "quantity": 3}]
    assert codes(six) == ["QUANTITY_NOT_ALLOWED"]


async def test_a_portal_without_plan_changes_refuses_them_to_customers_but_not_to_api_keys(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    portal_configuration(sandbox)["features"]["subscription_update"]["enabled"] = False
    subscription_id = subscription(sandbox, NOAH)["id"]
    business = price_id(sandbox, "business_monthly")

    customer = await change(api, await session_for(tokens, sandbox, NOAH), subscription_id, business)
    backend = await change(api, await tokens.api_key(), subscription_id, business)

    assert codes(customer) == ["FEATURE_DISABLED"]
    assert backend["userErrors"] == []
    assert item_price(sandbox, NOAH) == business


async def test_a_proration_date_outside_the_current_period_is_refused(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await session_for(tokens, sandbox, MAYA)
    long_ago = datetime(2020, 1, 1).astimezone().isoformat()

    payload = await change(
        api,
        token,
        subscription(sandbox, MAYA)["id"],
        price_id(sandbox, "business_monthly"),
        prorationDate=long_ago,
    )

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("PRORATION_DATE_OUT_OF_PERIOD", ["input", "prorationDate"])
    ]


async def test_another_customers_subscription_and_an_unknown_price_are_not_found(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await session_for(tokens, sandbox, MAYA)
    business = price_id(sandbox, "business_monthly")

    others = await change(api, token, subscription(sandbox, NOAH)["id"], business)
    missing = await change(api, token, "sub_doesnotexist", business)
    unknown_price = await change(api, token, subscription(sandbox, MAYA)["id"], "price_doesnotexist")

    not_found = [("NOT_FOUND", ["input", "subscriptionId"])]
    assert [(e["code"], e["field"]) for e in others["userErrors"]] == not_found
    assert [(e["code"], e["field"]) for e in missing["userErrors"]] == not_found
    assert [(e["code"], e["field"]) for e in unknown_price["userErrors"]] == [
        ("NOT_FOUND", ["input", "priceId"])
    ]
    assert item_price(sandbox, NOAH) == price_id(sandbox, "pro_monthly")


async def test_changing_plans_needs_the_subscriptions_write_scope(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA), scopes={Scope.SUBSCRIPTIONS_READ})

    body = await graphql(
        api,
        "mutation($input: ChangePlanInput!) { changePlan(input: $input) { userErrors { code } } }",
        {"input": {"subscriptionId": subscription(sandbox, MAYA)["id"], "priceId": "price_x"}},
        token=token,
    )

    assert [error["extensions"]["code"] for error in body["errors"]] == ["FORBIDDEN"]
    assert body["data"] is None


async def test_what_a_change_changed_is_seen_by_the_rest_of_the_operation(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await session_for(tokens, sandbox, MAYA)
    subscription_id = subscription(sandbox, MAYA)["id"]
    business, starter = price_id(sandbox, "business_monthly"), price_id(sandbox, "starter_monthly")
    document = """
    mutation($change: ChangePlanInput!, $preview: PreviewPlanChangeInput!) {
      changePlan(input: $change) { userErrors { code } }
      previewPlanChange(input: $preview) {
        preview { subscription { items { price { id } } } }
        userErrors { code }
      }
    }
    """

    body = await graphql(
        api,
        document,
        {
            "change": {"subscriptionId": subscription_id, "priceId": business},
            "preview": {"subscriptionId": subscription_id, "priceId": starter},
        },
        token=token,
    )

    assert body["data"]["changePlan"]["userErrors"] == []
    # The second mutation reads the subscription again instead of the copy the first one loaded.
    assert body["data"]["previewPlanChange"]["preview"]["subscription"]["items"] == [
        {"price": {"id": business}}
    ]
