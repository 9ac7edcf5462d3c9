"""`updateCustomer` over HTTP against the sandbox: only the fields the portal lets customers change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.api.mutation_support import MAYA, NOAH, codes, customer_id, mutate, portal_configuration, writes

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

RESULT = "customer { id email name phone address { line1 city postalCode country } }"


def stored(sandbox: SandboxHandle, name: str) -> dict[str, Any]:
    customer: dict[str, Any] = sandbox.state.store.get(customer_id(sandbox, name), "customer")
    return customer


async def test_a_customer_changes_its_email_and_address(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    changes = {
        "email": "maya@lumenpad-customer.example.com",
        "address": {
            "line1": "1 Ferry Building",
            "city": "San Francisco",
            "postalCode": "94111",
            "country": "US",
        },
    }

    payload = await mutate(api, "updateCustomer", changes, token, RESULT)
    again = await mutate(api, "updateCustomer", changes, token, RESULT)

    assert payload["userErrors"] == again["userErrors"] == []
    assert payload["customer"]["email"] == "maya@lumenpad-customer.example.com"
    assert payload["customer"]["address"] == {
        "line1": "1 Ferry Building",
        "city": "San Francisco",
        "postalCode": "94111",
        "country": "US",
    }
    assert stored(sandbox, MAYA)["email"] == "maya@lumenpad-customer.example.com"
    assert stored(sandbox, MAYA)["address"]["postal_code"] == "94111"
    assert stored(sandbox, MAYA)["name"] == "Maya Chen"
    assert writes(sandbox) == {"POST /v1/customers/{id}": 1}


async def test_only_the_fields_the_portal_allows_may_change(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    portal_configuration(sandbox)["features"]["customer_update"]["allowed_updates"] = ["email"]
    token = await tokens.customer_session(customer_id(sandbox, MAYA))

    payload = await mutate(
        api,
        "updateCustomer",
        {"email": "m@example.com", "name": "M. Chen", "phone": "+14155550100"},
        token,
        RESULT,
    )

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("FIELD_NOT_ALLOWED", ["input", "name"]),
        ("FIELD_NOT_ALLOWED", ["input", "phone"]),
    ]
    assert stored(sandbox, MAYA)["email"] == "maya.chen@example.com"
    assert writes(sandbox) == {}


async def test_an_api_key_changes_any_field_of_any_customer(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    portal_configuration(sandbox)["features"]["customer_update"]["enabled"] = False
    noah = customer_id(sandbox, NOAH)

    payload = await mutate(
        api, "updateCustomer", {"customerId": noah, "name": "Noah W."}, await tokens.api_key()
    )

    assert payload["userErrors"] == []
    assert sandbox.state.store.get(noah, "customer")["name"] == "Noah W."


@pytest.mark.parametrize(
    ("given", "code", "field"),
    [
        pytest.param({"email": "not-an-address"}, "INVALID_EMAIL", ["input", "email"], id="email"),
        pytest.param(
            {"email": "two@at@example.com"}, "INVALID_EMAIL", ["input", "email"], id="email-two-ats"
        ),
        pytest.param({"name": "   "}, "INVALID_INPUT", ["input", "name"], id="blank-name"),
        pytest.param({"phone": "call me"}, "INVALID_INPUT", ["input", "phone"], id="phone"),
        pytest.param(
            {"address": {"country": "USA"}}, "INVALID_INPUT", ["input", "address", "country"], id="country"
        ),
        pytest.param({}, "INVALID_INPUT", None, id="nothing-to-change"),
    ],
)
async def test_invalid_details_are_refused(
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    *,
    given: dict[str, Any],
    code: str,
    field: list[str] | None,
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))

    payload = await mutate(api, "updateCustomer", given, token, RESULT)

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)]
    assert writes(sandbox) == {}


async def test_a_portal_without_customer_updates_refuses_customers(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    portal_configuration(sandbox)["features"]["customer_update"]["enabled"] = False
    token = await tokens.customer_session(customer_id(sandbox, MAYA))

    payload = await mutate(api, "updateCustomer", {"name": "Maya C."}, token, RESULT)

    assert codes(payload) == ["FEATURE_DISABLED"]
    assert stored(sandbox, MAYA)["name"] == "Maya Chen"


async def test_a_customer_cannot_change_another_customer(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))

    payload = await mutate(
        api, "updateCustomer", {"customerId": customer_id(sandbox, NOAH), "name": "x"}, token
    )

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("NOT_FOUND", ["input", "customerId"])
    ]
    assert stored(sandbox, NOAH)["name"] == "Noah Williams"


async def test_an_api_key_names_the_customer_to_change(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    payload = await mutate(api, "updateCustomer", {"name": "Someone"}, await tokens.api_key())

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_INPUT", ["input", "customerId"])
    ]
    assert writes(sandbox) == {}
