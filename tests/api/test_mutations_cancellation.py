"""`cancelSubscription` and `reactivateSubscription` over HTTP against the sandbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.api.mutation_support import (
    AMARA,
    LIAM,
    MAYA,
    NOAH,
    codes,
    customer_id,
    mutate,
    portal_configuration,
    subscription,
    writes,
)

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

RESULT = "subscription { id status cancelAtPeriodEnd cancelAt cancellationDetails { feedback comment } }"


async def test_a_customer_cancels_at_period_end_with_a_reason_and_a_comment(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    subscription_id = subscription(sandbox, MAYA)["id"]

    payload = await mutate(
        api,
        "cancelSubscription",
        {"subscriptionId": subscription_id, "reason": "TOO_EXPENSIVE", "comment": "Over budget this year."},
        token,
        RESULT,
    )

    assert payload["userErrors"] == []
    assert payload["subscription"]["cancelAtPeriodEnd"] is True
    assert payload["subscription"]["cancellationDetails"] == {
        "feedback": "TOO_EXPENSIVE",
        "comment": "Over budget this year.",
    }
    stored = subscription(sandbox, MAYA)
    assert (stored["status"], stored["cancel_at_period_end"]) == ("active", True)
    assert stored["cancellation_details"]["feedback"] == "too_expensive"
    assert stored["cancellation_details"]["comment"] == "Over budget this year."


async def test_cancelling_twice_changes_stripe_once(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    subscription_id = subscription(sandbox, MAYA)["id"]

    first = await mutate(api, "cancelSubscription", {"subscriptionId": subscription_id}, token, RESULT)
    second = await mutate(api, "cancelSubscription", {"subscriptionId": subscription_id}, token, RESULT)

    assert first["userErrors"] == second["userErrors"] == []
    assert second["subscription"]["cancelAtPeriodEnd"] is True
    assert writes(sandbox) == {"POST /v1/subscriptions/{id}": 1}


async def test_an_api_key_cancels_immediately_even_where_customers_may_not(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    subscription_id = subscription(sandbox, NOAH)["id"]

    payload = await mutate(
        api,
        "cancelSubscription",
        {"subscriptionId": subscription_id, "mode": "IMMEDIATELY", "reason": "UNUSED"},
        await tokens.api_key(),
        RESULT,
    )

    assert payload["userErrors"] == []
    assert payload["subscription"]["status"] == "CANCELED"
    assert subscription(sandbox, NOAH)["status"] == "canceled"
    assert subscription(sandbox, NOAH)["cancellation_details"]["feedback"] == "unused"


@pytest.mark.parametrize(
    ("change", "given", "code", "field"),
    [
        pytest.param({"enabled": False}, {}, "FEATURE_DISABLED", None, id="cancelling-off"),
        pytest.param({}, {"mode": "IMMEDIATELY"}, "CANCEL_MODE_NOT_ALLOWED", ["input", "mode"], id="mode"),
        pytest.param(
            {"cancellation_reason": {"enabled": True, "options": ["unused"]}},
            {"reason": "TOO_EXPENSIVE"},
            "CANCELLATION_REASON_NOT_ALLOWED",
            ["input", "reason"],
            id="reason-not-offered",
        ),
        pytest.param(
            {"cancellation_reason": {"enabled": False, "options": []}},
            {"reason": "OTHER"},
            "CANCELLATION_REASON_NOT_ALLOWED",
            ["input", "reason"],
            id="reasons-off",
        ),
    ],
)
async def test_cancellations_the_portal_does_not_allow_are_refused(
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    *,
    change: dict[str, object],
    given: dict[str, str],
    code: str,
    field: list[str] | None,
) -> None:
    portal_configuration(sandbox)["features"]["subscription_cancel"].update(change)
    token = await tokens.customer_session(customer_id(sandbox, MAYA))

    payload = await mutate(
        api,
        "cancelSubscription",
        {"subscriptionId": subscription(sandbox, MAYA)["id"], **given},
        token,
        RESULT,
    )

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)]
    assert payload["subscription"] is None
    assert subscription(sandbox, MAYA)["cancel_at_period_end"] is False
    assert writes(sandbox) == {}


async def test_a_scheduled_cancellation_is_taken_back(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, AMARA))
    subscription_id = subscription(sandbox, AMARA)["id"]

    payload = await mutate(api, "reactivateSubscription", {"subscriptionId": subscription_id}, token, RESULT)
    again = await mutate(api, "reactivateSubscription", {"subscriptionId": subscription_id}, token, RESULT)

    assert payload["userErrors"] == again["userErrors"] == []
    assert (payload["subscription"]["cancelAtPeriodEnd"], payload["subscription"]["cancelAt"]) == (
        False,
        None,
    )
    stored = subscription(sandbox, AMARA)
    assert (stored["cancel_at_period_end"], stored["cancel_at"]) == (False, None)
    assert writes(sandbox) == {"POST /v1/subscriptions/{id}": 1}


async def test_an_explicit_cancel_at_is_taken_back_too(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    stored = subscription(sandbox, NOAH)
    stored["cancel_at"] = stored["items"]["data"][0]["current_period_end"]
    token = await tokens.customer_session(customer_id(sandbox, NOAH))

    payload = await mutate(api, "reactivateSubscription", {"subscriptionId": stored["id"]}, token, RESULT)

    assert payload["userErrors"] == []
    assert payload["subscription"]["cancelAt"] is None
    assert subscription(sandbox, NOAH)["cancel_at"] is None


@pytest.mark.parametrize("mutation", ["cancelSubscription", "reactivateSubscription"])
async def test_an_ended_subscription_can_neither_cancel_nor_come_back(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, mutation: str
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, LIAM))

    payload = await mutate(
        api, mutation, {"subscriptionId": subscription(sandbox, LIAM)["id"]}, token, RESULT
    )

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("SUBSCRIPTION_ENDED", ["input", "subscriptionId"])
    ]


@pytest.mark.parametrize("mutation", ["cancelSubscription", "reactivateSubscription"])
async def test_another_customers_subscription_is_not_found(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, mutation: str
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))

    payload = await mutate(
        api, mutation, {"subscriptionId": subscription(sandbox, AMARA)["id"]}, token, RESULT
    )

    assert codes(payload) == ["NOT_FOUND"]
    assert subscription(sandbox, AMARA)["cancel_at_period_end"] is True
