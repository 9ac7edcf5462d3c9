"""`addTaxId`, `removeTaxId` and `Customer.taxIds` over HTTP against the sandbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.api.mutation_support import (
    JONAS,
    MAYA,
    NOAH,
    codes,
    customer_id,
    mutate,
    portal_configuration,
    writes,
)
from tests.fixtures.app import graphql

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

TAX_ID = "taxId { id type value country verificationStatus verifiedName }"
TAX_IDS = "{ viewer { customer { taxIds { id type value country verificationStatus verifiedName } } } }"
CREATE = "POST /v1/customers/{customer}/tax_ids"
DELETE = "DELETE /v1/customers/{customer}/tax_ids/{id}"


def stored_tax_ids(sandbox: SandboxHandle, name: str) -> list[dict[str, Any]]:
    owner = customer_id(sandbox, name)
    return [t for t in sandbox.state.store.all("tax_id") if t["customer"] == owner and not t.get("deleted")]


async def tax_ids(api: httpx.AsyncClient, token: str) -> list[dict[str, Any]]:
    body = await graphql(api, TAX_IDS, token=token)
    assert "errors" not in body, body["errors"]
    found: list[dict[str, Any]] = body["data"]["viewer"]["customer"]["taxIds"]
    return found


async def test_a_customer_adds_a_vat_number_that_is_verified_later(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, NOAH))
    payload = await mutate(api, "addTaxId", {"type": "GB_VAT", "value": "GB123456789"}, token, TAX_ID)

    assert payload["userErrors"] == []
    assert payload["taxId"]["type"] == "GB_VAT"
    assert payload["taxId"]["country"] == "GB"
    assert payload["taxId"]["verificationStatus"] == "PENDING"
    # The customer (with its tax ids) and the configuration, then the creation; with a warm cache only
    # the creation.
    assert sandbox.calls() == {
        "GET /v1/customers/{id}": 1,
        "GET /v1/billing_portal/configurations": 1,
        CREATE: 1,
    }

    sandbox.advance(120)  # the tax authority answers
    sandbox.reset_calls()
    shown = await tax_ids(api, token)

    assert [(t["type"], t["value"], t["verificationStatus"]) for t in shown] == [
        ("GB_VAT", "GB123456789", "VERIFIED")
    ]
    assert shown[0]["verifiedName"] == "Noah Williams"
    # The tax ids come with the customer: one read.
    assert sandbox.calls() == {"GET /v1/customers/{id}": 1}


async def test_a_number_the_authority_does_not_know_is_unverified(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, NOAH))

    await mutate(api, "addTaxId", {"type": "EU_VAT", "value": "DE111111111"}, token, TAX_ID)
    sandbox.advance(120)

    assert [t["verificationStatus"] for t in await tax_ids(api, token)] == ["UNVERIFIED"]


async def test_the_demo_shows_an_ein_and_a_verified_vat_number(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    maya = await tax_ids(api, await tokens.customer_session(customer_id(sandbox, MAYA)))
    jonas = await tax_ids(api, await tokens.customer_session(customer_id(sandbox, JONAS)))

    assert [(t["type"], t["value"], t["verificationStatus"]) for t in maya] == [
        ("US_EIN", "12-3456789", "UNAVAILABLE")
    ]
    assert [(t["type"], t["country"], t["verificationStatus"]) for t in jonas] == [
        ("EU_VAT", "DE", "VERIFIED")
    ]
    assert jonas[0]["verifiedName"] == "Jonas Weber"


async def test_adding_the_same_tax_id_twice_keeps_one(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, NOAH))
    given = {"type": "US_EIN", "value": "12-3456780"}

    first = await mutate(api, "addTaxId", given, token, TAX_ID)
    second = await mutate(api, "addTaxId", given, token, TAX_ID)

    assert first["userErrors"] == second["userErrors"] == []
    assert first["taxId"]["id"] == second["taxId"]["id"]
    assert len(stored_tax_ids(sandbox, NOAH)) == 1
    assert writes(sandbox) == {CREATE: 1}


async def test_an_invalid_number_is_refused_with_stripes_reason(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, NOAH))

    payload = await mutate(api, "addTaxId", {"type": "EU_VAT", "value": "DE12345"}, token, TAX_ID)

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_TAX_ID", ["input", "value"])
    ]
    assert "Invalid value for eu_vat" in payload["userErrors"][0]["message"]
    assert payload["taxId"] is None
    assert stored_tax_ids(sandbox, NOAH) == []


@pytest.mark.parametrize(
    ("given", "code", "field"),
    [
        pytest.param({"type": "EU_VAT", "value": ""}, "INVALID_TAX_ID", ["input", "value"], id="empty"),
        pytest.param({"type": "EU_VAT", "value": "D" * 41}, "INVALID_TAX_ID", ["input", "value"], id="long"),
        pytest.param(
            {"type": "EU_VAT", "value": "DE<script>"}, "INVALID_TAX_ID", ["input", "value"], id="characters"
        ),
        pytest.param({"type": "UNKNOWN", "value": "123"}, "INVALID_INPUT", ["input", "type"], id="unknown"),
    ],
)
async def test_malformed_input_is_refused_before_stripe(
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    *,
    given: dict[str, Any],
    code: str,
    field: list[str],
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, NOAH))

    sandbox.reset_calls()

    payload = await mutate(api, "addTaxId", given, token, TAX_ID)

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)]
    assert sandbox.calls() == {}  # refused before any Stripe call


async def test_tax_ids_are_refused_unless_the_portal_allows_them(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    portal_configuration(sandbox)["features"]["customer_update"]["allowed_updates"] = ["email", "name"]
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    ein = stored_tax_ids(sandbox, MAYA)[0]["id"]

    added = await mutate(api, "addTaxId", {"type": "US_EIN", "value": "12-3456780"}, token, TAX_ID)
    removed = await mutate(api, "removeTaxId", {"taxIdId": ein}, token, TAX_ID)

    assert [(e["code"], e["field"]) for e in added["userErrors"]] == [("FIELD_NOT_ALLOWED", ["input"])]
    assert added["userErrors"][0]["message"] == "Your tax IDs cannot be changed here."
    assert codes(removed) == ["FIELD_NOT_ALLOWED"]
    assert writes(sandbox) == {}


async def test_an_api_key_adds_a_tax_id_whatever_the_portal_allows(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    portal_configuration(sandbox)["features"]["customer_update"]["enabled"] = False

    payload = await mutate(
        api,
        "addTaxId",
        {"customerId": customer_id(sandbox, NOAH), "type": "AU_ABN", "value": "12345678912"},
        await tokens.api_key(),
        TAX_ID,
    )

    assert payload["userErrors"] == []
    assert [t["type"] for t in stored_tax_ids(sandbox, NOAH)] == ["au_abn"]


async def test_a_customer_removes_a_tax_id_once(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    ein = stored_tax_ids(sandbox, MAYA)[0]["id"]

    removed = await mutate(
        api, "removeTaxId", {"taxIdId": ein}, token, f"{TAX_ID} customer {{ taxIds {{ id }} }}"
    )
    again = await mutate(api, "removeTaxId", {"taxIdId": ein}, token, TAX_ID)

    assert removed["userErrors"] == []
    assert removed["taxId"]["id"] == ein
    assert removed["customer"]["taxIds"] == []
    assert codes(again) == ["NOT_FOUND"]
    assert stored_tax_ids(sandbox, MAYA) == []
    assert writes(sandbox) == {DELETE: 1}


async def test_a_customer_cannot_remove_another_customers_tax_id(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, NOAH))
    maya_ein = stored_tax_ids(sandbox, MAYA)[0]["id"]

    payload = await mutate(api, "removeTaxId", {"taxIdId": maya_ein}, token, TAX_ID)

    assert codes(payload) == ["NOT_FOUND"]
    assert len(stored_tax_ids(sandbox, MAYA)) == 1
    assert writes(sandbox) == {}
