"""`updateCustomer` over HTTP against the sandbox: only the fields the portal lets customers change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.api.mutation_support import (
    MAYA,
    NOAH,
    USER_ERRORS,
    codes,
    customer_id,
    mutate,
    portal_configuration,
    writes,
)

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
        pytest.param({"name": "Maya\x00Chen"}, "INVALID_INPUT", ["input", "name"], id="nul"),
        pytest.param({"name": "\x1b[31mMaya"}, "INVALID_INPUT", ["input", "name"], id="escape"),
        pytest.param({"name": "Maya\nChen"}, "INVALID_INPUT", ["input", "name"], id="newline"),
        pytest.param({"name": "Maya \u202egpj.exe"}, "INVALID_INPUT", ["input", "name"], id="bidi-override"),
        pytest.param({"name": "M" * 257}, "INVALID_INPUT", ["input", "name"], id="name-too-long"),
        pytest.param(
            {"phone": "+1 555 0100 0100 0100 0"}, "INVALID_INPUT", ["input", "phone"], id="long-phone"
        ),
        pytest.param(
            {"address": {"country": "ZZ"}},
            "INVALID_INPUT",
            ["input", "address", "country"],
            id="unknown-country",
        ),
        pytest.param(
            {"address": {"line1": "x" * 5001}}, "INVALID_INPUT", ["input", "address", "line1"], id="long-line"
        ),
        pytest.param(
            {"address": {"city": "Paris\u0007"}}, "INVALID_INPUT", ["input", "address", "city"], id="bell"
        ),
        pytest.param(
            {"shipping": {"name": " ", "address": {"line1": "1 Main St"}}},
            "INVALID_INPUT",
            ["input", "shipping", "name"],
            id="shipping-without-name",
        ),
        pytest.param(
            {"shipping": {"name": "Maya", "address": {"city": "Oakland"}}},
            "INVALID_INPUT",
            ["input", "shipping", "address", "line1"],
            id="shipping-without-street",
        ),
        pytest.param(
            {"shipping": {"name": "Maya", "phone": "ring twice", "address": {"line1": "1 Main St"}}},
            "INVALID_INPUT",
            ["input", "shipping", "phone"],
            id="shipping-phone",
        ),
        pytest.param(
            {"shipping": {"name": "M" * 257, "address": {"line1": "1 Main St"}}},
            "INVALID_INPUT",
            ["input", "shipping", "name"],
            id="shipping-name-too-long",
        ),
        pytest.param(
            {"shipping": {"name": "Maya", "address": {"line1": "1 Main St", "country": "XX"}}},
            "INVALID_INPUT",
            ["input", "shipping", "address", "country"],
            id="shipping-country",
        ),
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


async def test_a_name_with_a_joiner_is_accepted(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    # Zero-width non-joiner: part of the correct spelling of this Persian name.
    name = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    maya = customer_id(sandbox, MAYA)
    token = await tokens.customer_session(maya)

    payload = await mutate(api, "updateCustomer", {"name": name}, token, RESULT)

    assert payload["userErrors"] == []
    assert sandbox.state.store.get(maya, "customer")["name"] == name


async def test_a_refusal_quotes_only_an_excerpt_of_what_was_sent(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    document = (
        f"mutation($input: UpdateCustomerInput!) {{ updateCustomer(input: $input) {{ {USER_ERRORS} }} }}"
    )

    async def send(email: str) -> httpx.Response:
        variables = {"input": {"email": email}}
        headers = {"Authorization": f"Bearer {token}"}
        return await api.post("/graphql", json={"query": document, "variables": variables}, headers=headers)

    huge = await send("not-an-email-" + "x" * 50_000)  # within the request's size limit
    long = await send("not-an-email-" + "x" * 400)

    [too_long] = huge.json()["data"]["updateCustomer"]["userErrors"]
    [malformed] = long.json()["data"]["updateCustomer"]["userErrors"]
    assert (too_long["code"], too_long["field"]) == ("INVALID_INPUT", ["input", "email"])
    assert len(huge.content) < 1000
    assert (malformed["code"], malformed["field"]) == ("INVALID_EMAIL", ["input", "email"])
    assert malformed["message"] == f"'not-an-email-{'x' * 27}…' is not an email address."
    assert writes(sandbox) == {}


async def test_a_lone_surrogate_is_refused_as_input(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    # JSON can escape half a surrogate pair, which no text can hold: Stripe and the audit trail never see it.
    body = (
        '{"query": "mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { '
        + USER_ERRORS
        + ' } }", "variables": {"input": {"name": "Maya \\ud800"}}}'
    )

    response = await api.post(
        "/graphql",
        content=body.encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert [error["extensions"]["code"] for error in response.json()["errors"]] == ["BAD_REQUEST"]
    assert writes(sandbox) == {}


SHIPPING = "customer { shipping { name phone address { line1 line2 city postalCode country } } }"
NEW_SHIPPING = {
    "name": "Lumenpad Receiving",
    "phone": "+14155550199",
    "address": {"line1": "500 Howard St", "city": "San Francisco", "postalCode": "94105", "country": "US"},
}


async def test_a_customer_changes_where_deliveries_go(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))

    payload = await mutate(api, "updateCustomer", {"shipping": NEW_SHIPPING}, token, SHIPPING)
    again = await mutate(api, "updateCustomer", {"shipping": NEW_SHIPPING}, token, SHIPPING)

    assert payload["userErrors"] == again["userErrors"] == []
    assert (
        payload["customer"]["shipping"]
        == again["customer"]["shipping"]
        == {
            "name": "Lumenpad Receiving",
            "phone": "+14155550199",
            "address": {
                "line1": "500 Howard St",
                "line2": None,
                "city": "San Francisco",
                "postalCode": "94105",
                "country": "US",
            },
        }
    )
    assert stored(sandbox, MAYA)["shipping"]["address"]["line2"] is None  # replaced as a whole
    # The retry found it done: one write only.
    assert writes(sandbox) == {"POST /v1/customers/{id}": 1}


@pytest.mark.parametrize(
    ("allowed", "given", "refused"),
    [
        pytest.param(["email"], {"shipping": NEW_SHIPPING}, "shipping", id="shipping"),
        pytest.param(["shipping"], {"address": {"line1": "1 Main St"}}, "address", id="address"),
        pytest.param(["shipping"], {"email": "m@example.com"}, "email", id="email"),
    ],
)
async def test_each_detail_is_refused_unless_the_portal_allows_it(
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    *,
    allowed: list[str],
    given: dict[str, Any],
    refused: str,
) -> None:
    portal_configuration(sandbox)["features"]["customer_update"]["allowed_updates"] = allowed
    token = await tokens.customer_session(customer_id(sandbox, MAYA))

    payload = await mutate(api, "updateCustomer", given, token, RESULT)

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("FIELD_NOT_ALLOWED", ["input", refused])
    ]
    assert "cannot be changed here" in payload["userErrors"][0]["message"]
    assert writes(sandbox) == {}
