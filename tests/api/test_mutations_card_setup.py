"""`createSetupIntent` then `completeSetupIntent`: a card collected by Stripe.js, saved and made the
default, without webhooks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.api.mutation_support import MAYA, NOAH, codes, customer_id, mutate, portal_configuration, writes
from tests.fixtures.app import SANDBOX_PUBLISHABLE_KEY, graphql
from tests.fixtures.stripe_js import confirm_setup

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

CREATED = "setupIntent { id clientSecret status } publishableKey"
COMPLETED = (
    "paymentMethod { id card { last4 } } customer { defaultPaymentMethod { id } paymentMethods { id } }"
)
AUDIT = "query($id: ID!) { auditEvents(customerId: $id) { edges { node { action objectId after } } } }"


def _cards(sandbox: SandboxHandle, owner: str) -> list[str]:
    return [pm["id"] for pm in sandbox.state.store.all("payment_method") if pm["customer"] == owner]


async def _create(api: httpx.AsyncClient, token: str, **input: Any) -> dict[str, Any]:
    return await mutate(api, "createSetupIntent", input, token, CREATED)


@pytest.mark.parametrize("set_as_default", [True, False])
async def test_a_customer_adds_a_card_and_chooses_whether_it_is_the_default(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, *, set_as_default: bool
) -> None:
    maya = customer_id(sandbox, MAYA)
    token = await tokens.customer_session(maya)
    default_before = sandbox.state.store.get(maya, "customer")["invoice_settings"]["default_payment_method"]

    created = await _create(api, token, setAsDefault=set_as_default)
    intent = created["setupIntent"]
    assert created["userErrors"] == []
    assert created["publishableKey"] == SANDBOX_PUBLISHABLE_KEY
    assert intent["status"] == "REQUIRES_PAYMENT_METHOD"
    assert sandbox.state.store.get(intent["id"], "setup_intent")["usage"] == "off_session"
    await confirm_setup(sandbox, intent["id"], intent["clientSecret"], "pm_card_mastercard")
    completed = await mutate(api, "completeSetupIntent", {"setupIntentId": intent["id"]}, token, COMPLETED)
    again = await mutate(api, "completeSetupIntent", {"setupIntentId": intent["id"]}, token, COMPLETED)

    added = completed["paymentMethod"]["id"]
    assert completed["paymentMethod"]["card"] == {"last4": "4444"}
    assert added in [pm["id"] for pm in completed["customer"]["paymentMethods"]]
    expected_default = added if set_as_default else default_before
    assert completed["customer"]["defaultPaymentMethod"] == {"id": expected_default}
    assert again == completed
    assert writes(sandbox).get("POST /v1/customers/{id}", 0) == (1 if set_as_default else 0)
    audited = await graphql(api, AUDIT, {"id": maya}, token=token)
    actions = [edge["node"]["action"] for edge in audited["data"]["auditEvents"]["edges"]]
    assert actions.count("customer.set_default_payment_method") == (1 if set_as_default else 0)


async def test_a_declined_card_is_not_added(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    maya = customer_id(sandbox, MAYA)
    token = await tokens.customer_session(maya)
    before = _cards(sandbox, maya)
    intent = (await _create(api, token, setAsDefault=True))["setupIntent"]

    assert await confirm_setup(sandbox, intent["id"], intent["clientSecret"], "pm_card_chargeDeclined") == (
        "declined"
    )
    completed = await mutate(api, "completeSetupIntent", {"setupIntentId": intent["id"]}, token, COMPLETED)

    assert [(e["code"], e["message"]) for e in completed["userErrors"]] == [
        ("CARD_DECLINED", "Your card was declined.")
    ]
    assert _cards(sandbox, maya) == before


async def test_a_setup_intent_not_confirmed_yet_is_not_complete(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    intent = (await _create(api, token))["setupIntent"]

    completed = await mutate(api, "completeSetupIntent", {"setupIntentId": intent["id"]}, token, COMPLETED)

    assert codes(completed) == ["SETUP_NOT_COMPLETE"]


async def test_another_customers_setup_intent_is_not_found(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    maya_token = await tokens.customer_session(customer_id(sandbox, MAYA))
    noah_token = await tokens.customer_session(customer_id(sandbox, NOAH))
    intent = (await _create(api, maya_token, setAsDefault=True))["setupIntent"]
    await confirm_setup(sandbox, intent["id"], intent["clientSecret"], "pm_card_visa")

    for setup_intent_id in (intent["id"], "seti_doesnotexist"):
        completed = await mutate(
            api, "completeSetupIntent", {"setupIntentId": setup_intent_id}, noah_token, COMPLETED
        )
        assert [(e["code"], e["field"]) for e in completed["userErrors"]] == [
            ("NOT_FOUND", ["input", "setupIntentId"])
        ]
    assert "POST /v1/customers/{id}" not in writes(sandbox)


async def test_a_portal_without_payment_method_updates_offers_no_card_form(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    portal_configuration(sandbox)["features"]["payment_method_update"]["enabled"] = False
    token = await tokens.customer_session(customer_id(sandbox, MAYA))

    created = await _create(api, token)

    assert codes(created) == ["FEATURE_DISABLED"]
    assert created["setupIntent"] is None
    assert writes(sandbox) == {}


async def test_a_portal_that_stopped_card_changes_keeps_the_saved_card_but_not_as_the_default(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    maya = customer_id(sandbox, MAYA)
    default_before = sandbox.state.store.get(maya, "customer")["invoice_settings"]["default_payment_method"]
    created = await _create(api, await tokens.api_key(), customerId=maya, setAsDefault=True)
    intent = created["setupIntent"]
    await confirm_setup(sandbox, intent["id"], intent["clientSecret"], "pm_card_mastercard")
    portal_configuration(sandbox)["features"]["payment_method_update"]["enabled"] = False

    session = await tokens.customer_session(maya)
    completed = await mutate(api, "completeSetupIntent", {"setupIntentId": intent["id"]}, session, COMPLETED)

    assert codes(completed) == ["FEATURE_DISABLED"]
    assert sandbox.state.store.get(maya, "customer")["invoice_settings"]["default_payment_method"] == (
        default_before
    )
    assert "POST /v1/customers/{id}" not in writes(sandbox)


async def test_an_api_key_names_the_customer(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    key = await tokens.api_key()
    noah = customer_id(sandbox, NOAH)

    without = await _create(api, key)
    created = await _create(api, key, customerId=noah)

    assert codes(without) == ["INVALID_INPUT"]
    assert sandbox.state.store.get(created["setupIntent"]["id"], "setup_intent")["customer"] == noah
