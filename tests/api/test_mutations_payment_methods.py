"""`setDefaultPaymentMethod` and `detachPaymentMethod` over HTTP against the sandbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from resolvers.principals import Scope
from tests.api.mutation_support import (
    ETHAN,
    MAYA,
    NOAH,
    codes,
    customer_id,
    mutate,
    portal_configuration,
    writes,
)
from tests.fixtures.app import error_codes, graphql

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

DEFAULT_RESULT = "paymentMethod { id } customer { id defaultPaymentMethod { id card { last4 } } }"
DETACH_RESULT = "paymentMethod { id }"


def cards(sandbox: SandboxHandle, name: str) -> list[dict[str, Any]]:
    owner = customer_id(sandbox, name)
    return [pm for pm in sandbox.state.store.all("payment_method") if pm["customer"] == owner]


def default_of(sandbox: SandboxHandle, name: str) -> str | None:
    customer = sandbox.state.store.get(customer_id(sandbox, name), "customer")
    default: str | None = customer["invoice_settings"]["default_payment_method"]
    return default


def other_card(sandbox: SandboxHandle, name: str) -> str:
    """A card of the customer that is not its default."""
    return str(next(pm["id"] for pm in cards(sandbox, name) if pm["id"] != default_of(sandbox, name)))


async def test_a_customer_chooses_another_card_as_default(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    mastercard = other_card(sandbox, MAYA)

    payload = await mutate(
        api, "setDefaultPaymentMethod", {"paymentMethodId": mastercard}, token, DEFAULT_RESULT
    )
    again = await mutate(
        api, "setDefaultPaymentMethod", {"paymentMethodId": mastercard}, token, DEFAULT_RESULT
    )

    assert payload["userErrors"] == again["userErrors"] == []
    assert payload["paymentMethod"] == {"id": mastercard}
    assert payload["customer"]["defaultPaymentMethod"] == {"id": mastercard, "card": {"last4": "4444"}}
    assert default_of(sandbox, MAYA) == mastercard
    assert writes(sandbox) == {"POST /v1/customers/{id}": 1}


async def test_a_customer_removes_a_card_it_no_longer_uses(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    mastercard = other_card(sandbox, MAYA)

    payload = await mutate(api, "detachPaymentMethod", {"paymentMethodId": mastercard}, token, DETACH_RESULT)

    assert payload["userErrors"] == []
    assert payload["paymentMethod"] == {"id": mastercard}
    assert sandbox.state.store.get(mastercard, "payment_method")["customer"] is None
    assert [pm["id"] for pm in cards(sandbox, MAYA)] == [default_of(sandbox, MAYA)]


async def test_the_last_card_stays_while_a_subscription_runs(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, NOAH))
    [only] = cards(sandbox, NOAH)

    payload = await mutate(api, "detachPaymentMethod", {"paymentMethodId": only["id"]}, token, DETACH_RESULT)

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("LAST_PAYMENT_METHOD", ["input", "paymentMethodId"])
    ]
    assert cards(sandbox, NOAH) == [only]
    assert writes(sandbox) == {}


async def test_the_last_card_of_a_customer_without_subscriptions_can_go(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, ETHAN))
    [only] = cards(sandbox, ETHAN)

    payload = await mutate(api, "detachPaymentMethod", {"paymentMethodId": only["id"]}, token, DETACH_RESULT)

    assert payload["userErrors"] == []
    assert cards(sandbox, ETHAN) == []


@pytest.mark.parametrize("mutation", ["setDefaultPaymentMethod", "detachPaymentMethod"])
async def test_a_portal_without_payment_method_updates_refuses_customers(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, mutation: str
) -> None:
    portal_configuration(sandbox)["features"]["payment_method_update"]["enabled"] = False
    token = await tokens.customer_session(customer_id(sandbox, MAYA))

    payload = await mutate(
        api, mutation, {"paymentMethodId": other_card(sandbox, MAYA)}, token, DETACH_RESULT
    )

    assert codes(payload) == ["FEATURE_DISABLED"]
    assert len(cards(sandbox, MAYA)) == 2
    assert writes(sandbox) == {}


@pytest.mark.parametrize("mutation", ["setDefaultPaymentMethod", "detachPaymentMethod"])
async def test_another_customers_card_and_a_detached_one_are_not_found(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, mutation: str
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    [noahs] = cards(sandbox, NOAH)
    detached = other_card(sandbox, MAYA)
    sandbox.state.store.get(detached, "payment_method")["customer"] = None

    for payment_method_id in (noahs["id"], detached, "pm_doesnotexist"):
        payload = await mutate(api, mutation, {"paymentMethodId": payment_method_id}, token, DETACH_RESULT)
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("NOT_FOUND", ["input", "paymentMethodId"])
        ]
    assert cards(sandbox, NOAH) == [noahs]
    assert writes(sandbox) == {}


async def test_changing_payment_methods_needs_the_payment_methods_write_scope(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA), scopes={Scope.PAYMENT_METHODS_READ})

    body = await graphql(
        api,
        "mutation($input: DetachPaymentMethodInput!) {"
        " detachPaymentMethod(input: $input) { userErrors { code } } }",
        {"input": {"paymentMethodId": other_card(sandbox, MAYA)}},
        token=token,
    )

    assert error_codes(body) == ["FORBIDDEN"]
    assert len(cards(sandbox, MAYA)) == 2
