"""Retention offers over HTTP against the sandbox: the merchant makes them, a customer who starts cancelling
is shown the one that fits (once), accepts it or cancels, and the report says what happened."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest

from tests.api.mutation_support import (
    MAYA,
    NOAH,
    codes,
    customer_id,
    mutate,
    price_id,
    subscription,
    writes,
)
from tests.fixtures.app import graphql

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

OFFER = "offer { id name kind reasons coupon { percentOff duration durationInMonths couponId } }"
SUB = "subscription { id status cancelAtPeriodEnd pause { resumesAt } items { price { id } } }"
HALF_OFF: dict[str, Any] = {
    "name": "50% off for 3 months",
    "kind": "COUPON",
    "percentOff": 50,
    "duration": "REPEATING",
    "durationInMonths": 3,
    "reasons": ["TOO_EXPENSIVE"],
}
REPORT = """
query($since: DateTime!, $until: DateTime!) {
  cancellationReport(since: $since, until: $until) {
    cancellations { reason count }
    comments { reason comment }
    offers { offerId shown accepted declined }
    kept { subscriptions monthlyRevenue { amount currency } }
    pauses resumptions
  }
}
"""
PERIOD = {"since": "2026-01-01T00:00:00Z", "until": "2026-12-31T00:00:00Z"}


async def _offer(api: httpx.AsyncClient, key: str, **given: Any) -> dict[str, Any]:
    payload = await mutate(api, "createRetentionOffer", given, key, OFFER)
    assert payload["userErrors"] == []
    offer: dict[str, Any] = payload["offer"]
    return offer


async def _start(api: httpx.AsyncClient, token: str, subscription_id: str, reason: str) -> dict[str, Any]:
    return await mutate(
        api, "startCancellation", {"subscriptionId": subscription_id, "reason": reason}, token, OFFER
    )


async def _report(api: httpx.AsyncClient, key: str) -> dict[str, Any]:
    body = await graphql(api, REPORT, PERIOD, token=key)
    assert "errors" not in body, body["errors"]
    report: dict[str, Any] = body["data"]["cancellationReport"]
    return report


async def test_a_customer_who_says_too_expensive_takes_half_off_and_stays(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    key = await tokens.api_key()
    offer = await _offer(api, key, **HALF_OFF)
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    subscription_id = subscription(sandbox, MAYA)["id"]

    started = await _start(api, token, subscription_id, "TOO_EXPENSIVE")
    accepted = await mutate(
        api, "acceptRetentionOffer", {"subscriptionId": subscription_id, "offerId": offer["id"]}, token, SUB
    )

    assert started["userErrors"] == accepted["userErrors"] == []
    assert started["offer"]["id"] == offer["id"]
    assert accepted["subscription"]["cancelAtPeriodEnd"] is False
    stored = subscription(sandbox, MAYA)
    [discount_id] = stored["discounts"]
    discount = sandbox.state.store.get(discount_id, "discount")
    assert discount["source"]["coupon"] == offer["coupon"]["couponId"]
    sandbox.advance(35 * 86_400)  # the next renewal is half price
    renewal = sandbox.state.store.get(subscription(sandbox, MAYA)["latest_invoice"], "invoice")
    assert (renewal["subtotal"], renewal["amount_paid"]) == (3000, 1500)
    report = await _report(api, key)
    assert report["offers"] == [{"offerId": offer["id"], "shown": 1, "accepted": 1, "declined": 0}]
    assert report["kept"] == [{"subscriptions": 1, "monthlyRevenue": {"amount": 3000, "currency": "usd"}}]
    assert report["cancellations"] == []


async def test_declining_cancels_with_the_reason_and_comment_and_the_offer_is_not_shown_again(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    key = await tokens.api_key()
    offer = await _offer(api, key, **HALF_OFF)
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    subscription_id = subscription(sandbox, MAYA)["id"]

    first = await _start(api, token, subscription_id, "TOO_EXPENSIVE")
    canceled = await mutate(
        api,
        "cancelSubscription",
        {"subscriptionId": subscription_id, "reason": "TOO_EXPENSIVE", "comment": "Over budget."},
        token,
        SUB,
    )
    await mutate(api, "reactivateSubscription", {"subscriptionId": subscription_id}, token, SUB)
    again = await _start(api, token, subscription_id, "TOO_EXPENSIVE")

    assert first["offer"]["id"] == offer["id"]
    assert canceled["subscription"]["cancelAtPeriodEnd"] is True
    assert again["userErrors"] == []
    assert again["offer"] is None  # had it once: never again
    assert subscription(sandbox, MAYA)["discounts"] == []
    report = await _report(api, key)
    assert report["cancellations"] == [{"reason": "TOO_EXPENSIVE", "count": 1}]
    assert report["comments"] == [{"reason": "TOO_EXPENSIVE", "comment": "Over budget."}]
    assert report["offers"] == [{"offerId": offer["id"], "shown": 1, "accepted": 0, "declined": 1}]
    assert report["kept"] == []


async def test_a_reason_no_offer_answers_goes_straight_to_cancelling(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    await _offer(api, await tokens.api_key(), **HALF_OFF)
    token = await tokens.customer_session(customer_id(sandbox, MAYA))

    started = await _start(api, token, subscription(sandbox, MAYA)["id"], "MISSING_FEATURES")

    assert started["userErrors"] == []
    assert started["offer"] is None


async def test_starting_a_cancellation_reads_what_cancelling_reads_and_writes_nothing_to_stripe(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    await _offer(api, await tokens.api_key(), **HALF_OFF)
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    subscription_id = subscription(sandbox, MAYA)["id"]
    sandbox.reset_calls()

    await _start(api, token, subscription_id, "TOO_EXPENSIVE")
    started = sandbox.calls()
    sandbox.reset_calls()
    await mutate(api, "cancelSubscription", {"subscriptionId": subscription_id}, token, SUB)
    cancel_reads = {call: n for call, n in sandbox.calls().items() if call.startswith("GET ")}

    assert started == cancel_reads  # the offer comes from the database
    assert writes(sandbox) == {"POST /v1/subscriptions/{id}": 1}


async def test_two_concurrent_accepts_apply_the_offer_once(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    offer = await _offer(api, await tokens.api_key(), **HALF_OFF)
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    subscription_id = subscription(sandbox, MAYA)["id"]
    await _start(api, token, subscription_id, "TOO_EXPENSIVE")
    given = {"subscriptionId": subscription_id, "offerId": offer["id"]}

    first, second = await asyncio.gather(
        mutate(api, "acceptRetentionOffer", given, token, SUB),
        mutate(api, "acceptRetentionOffer", given, token, SUB),
    )
    third = await mutate(api, "acceptRetentionOffer", given, token, SUB)

    assert first["userErrors"] == second["userErrors"] == third["userErrors"] == []
    assert len(subscription(sandbox, MAYA)["discounts"]) == 1
    assert sandbox.state.store.get(offer["coupon"]["couponId"], "coupon")["times_redeemed"] == 1


async def test_an_offer_not_shown_cannot_be_accepted(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    offer = await _offer(api, await tokens.api_key(), **HALF_OFF)
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    sandbox.reset_calls()

    payload = await mutate(
        api,
        "acceptRetentionOffer",
        {"subscriptionId": subscription(sandbox, MAYA)["id"], "offerId": offer["id"]},
        token,
        SUB,
    )

    assert codes(payload) == ["OFFER_NOT_AVAILABLE"]
    assert writes(sandbox) == {}


async def test_an_unused_subscription_is_offered_a_pause_and_takes_it(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    key = await tokens.api_key()
    await _offer(api, key, **HALF_OFF)
    pause = await _offer(
        api, key, name="Take a month off", kind="PAUSE", pause={"interval": "MONTH"}, reasons=["UNUSED"]
    )
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    subscription_id = subscription(sandbox, MAYA)["id"]

    started = await _start(api, token, subscription_id, "UNUSED")
    accepted = await mutate(
        api, "acceptRetentionOffer", {"subscriptionId": subscription_id, "offerId": pause["id"]}, token, SUB
    )

    assert started["offer"]["id"] == pause["id"]
    assert accepted["userErrors"] == []
    assert accepted["subscription"]["pause"]["resumesAt"] is not None
    assert subscription(sandbox, MAYA)["pause_collection"]["behavior"] == "void"
    assert (await _report(api, key))["pauses"] == 1


async def test_a_cheaper_price_is_offered_and_switched_to(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    starter = price_id(sandbox, "starter_monthly")
    switch = await _offer(
        api, await tokens.api_key(), name="Starter instead", kind="PRICE_SWITCH", priceId=starter
    )
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    subscription_id = subscription(sandbox, MAYA)["id"]

    started = await _start(api, token, subscription_id, "TOO_EXPENSIVE")
    accepted = await mutate(
        api, "acceptRetentionOffer", {"subscriptionId": subscription_id, "offerId": switch["id"]}, token, SUB
    )

    assert started["offer"]["id"] == switch["id"]
    assert accepted["userErrors"] == []
    assert accepted["subscription"]["items"] == [{"price": {"id": starter}}]


async def test_an_offer_is_given_once_per_customer_across_subscriptions_and_archived_offers_are_not_shown(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    key = await tokens.api_key()
    offer = await _offer(api, key, **{**HALF_OFF, "reasons": []})
    noah = await tokens.customer_session(customer_id(sandbox, NOAH))
    shown = await _start(api, noah, subscription(sandbox, NOAH)["id"], "OTHER")

    archived = await mutate(api, "archiveRetentionOffer", {"offerId": offer["id"]}, key, "offer { id }")
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    after = await _start(api, token, subscription(sandbox, MAYA)["id"], "OTHER")
    listed = await graphql(api, "{ retentionOffers(includeArchived: true) { id archivedAt } }", token=key)

    assert shown["offer"]["id"] == offer["id"]
    assert archived["userErrors"] == []
    assert after["offer"] is None
    [entry] = listed["data"]["retentionOffers"]
    assert entry["archivedAt"] is not None


@pytest.mark.parametrize(
    ("given", "code", "field"),
    [
        pytest.param({"percentOff": 0}, "INVALID_AMOUNT", ["input", "percentOff"], id="no-percent"),
        pytest.param({"percentOff": 150}, "INVALID_AMOUNT", ["input", "percentOff"], id="over-100"),
        pytest.param({"durationInMonths": None}, "INVALID_INPUT", ["input", "durationInMonths"], id="months"),
        pytest.param({"name": "x" * 101}, "INVALID_INPUT", ["input", "name"], id="long-name"),
        pytest.param({"pause": {"interval": "MONTH"}}, "INVALID_INPUT", None, id="two-kinds"),
        pytest.param(
            {"configurationIds": ["nope"]},
            "NOT_FOUND",
            ["input", "configurationIds"],
            id="bad-configuration-id",
        ),
    ],
)
async def test_offers_that_make_no_sense_are_refused_and_make_no_coupon(
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    *,
    given: dict[str, Any],
    code: str,
    field: list[str] | None,
) -> None:
    payload = await mutate(api, "createRetentionOffer", {**HALF_OFF, **given}, await tokens.api_key(), OFFER)

    assert [(error["code"], error["field"]) for error in payload["userErrors"]] == [(code, field)]
    assert writes(sandbox) == {}


async def test_a_stripe_portal_cancel_flow_carries_the_coupon_offer(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    key = await tokens.api_key()
    offer = await _offer(api, key, **{**HALF_OFF, "reasons": []})
    flow = {"type": "SUBSCRIPTION_CANCEL", "subscriptionId": subscription(sandbox, MAYA)["id"]}

    payload = await mutate(
        api,
        "createPortalSession",
        {"customerId": customer_id(sandbox, MAYA), "kind": "STRIPE", "flow": flow},
        key,
        "portalSession { id }",
    )

    assert payload["userErrors"] == []
    [stored] = sandbox.state.store.all("billing_portal.session")
    retention = stored["flow"]["subscription_cancel"]["retention"]
    assert retention == {"coupon_offer": {"coupon": offer["coupon"]["couponId"]}, "type": "coupon_offer"}


async def test_a_stripe_portal_session_opens_on_the_pause_step(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    subscription_id = subscription(sandbox, MAYA)["id"]
    payload = await mutate(
        api,
        "createPortalSession",
        {
            "customerId": customer_id(sandbox, MAYA),
            "kind": "STRIPE",
            "flow": {"type": "SUBSCRIPTION_PAUSE", "subscriptionId": subscription_id},
        },
        await tokens.api_key(),
        "portalSession { flow { type } }",
    )

    assert payload["userErrors"] == []
    assert payload["portalSession"]["flow"]["type"] == "SUBSCRIPTION_PAUSE"
    [stored] = sandbox.state.store.all("billing_portal.session")
    assert stored["flow"]["subscription_pause"] == {"subscription": subscription_id}


@pytest.mark.parametrize(
    ("comment", "accepted"),
    [
        pytest.param("Too pricey.\nMaybe next year.", True, id="lines"),
        pytest.param("x" * 501, False, id="too-long"),
        pytest.param("red \x1b[31malert", False, id="control-character"),
    ],
)
async def test_a_cancellation_comment_is_bounded_text(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, *, comment: str, accepted: bool
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))

    payload = await mutate(
        api,
        "cancelSubscription",
        {"subscriptionId": subscription(sandbox, MAYA)["id"], "comment": comment},
        token,
        SUB,
    )

    if accepted:
        assert payload["userErrors"] == []
        assert subscription(sandbox, MAYA)["cancellation_details"]["comment"] == comment
    else:
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("INVALID_INPUT", ["input", "comment"])
        ]
        assert writes(sandbox) == {}
