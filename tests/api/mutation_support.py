"""What the mutation tests share: finding the demo's objects in the sandbox, and sending one mutation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fixtures.app import graphql

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.sandbox import SandboxHandle

USER_ERRORS = "userErrors { code message field }"
# The demo's customers, by name (see `stripe_sandbox.seed`).
MAYA = "Maya Chen"  # Pro monthly (USD), two cards
NOAH = "Noah Williams"  # Pro monthly (USD), one card
JONAS = "Jonas Weber"  # Business yearly, a verified EU VAT number
HARUTO = "Haruto Sato"  # Pro monthly (JPY)
SOFIA = "Sofia Rossi"  # Business monthly with five seats: two items
DIEGO = "Diego Alvarez"  # past due: his card is declined
AMARA = "Amara Okafor"  # set to cancel at the end of the period
LIAM = "Liam O'Brien"  # canceled
PRIYA = "Priya Raman"  # trialing
ETHAN = "Ethan Brooks"  # a card and no subscription


def customer_id(sandbox: SandboxHandle, name: str) -> str:
    return str(next(c["id"] for c in sandbox.state.store.iter_type("customer") if c["name"] == name))


def subscription(sandbox: SandboxHandle, name: str) -> dict[str, Any]:
    """The customer's only (or newest) subscription, as the sandbox holds it now."""
    owner = customer_id(sandbox, name)
    found = [s for s in sandbox.state.store.all("subscription") if s["customer"] == owner]
    return found[-1]


def price_id(sandbox: SandboxHandle, lookup_key: str) -> str:
    return str(next(p["id"] for p in sandbox.state.store.iter_type("price") if p["lookup_key"] == lookup_key))


def item_price(sandbox: SandboxHandle, name: str) -> str:
    return str(subscription(sandbox, name)["items"]["data"][0]["price"]["id"])


def portal_configuration(sandbox: SandboxHandle) -> dict[str, Any]:
    """The demo's default portal configuration, to change for one test (the sandbox resets after each)."""
    return next(c for c in sandbox.state.store.iter_type("billing_portal.configuration") if c["is_default"])


def writes(sandbox: SandboxHandle) -> dict[str, int]:
    """The Stripe writes made so far, by endpoint."""
    return {call: n for call, n in sandbox.calls().items() if not call.startswith("GET ")}


async def mutate(
    api: httpx.AsyncClient, name: str, input: dict[str, Any], token: str, selection: str = ""
) -> dict[str, Any]:
    """Send `name(input:)` selecting `selection` and the user errors; returns the payload.

    The mutation must answer without GraphQL errors: refusals are user errors.
    """
    input_type = f"{name[0].upper()}{name[1:]}Input"
    document = f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} {USER_ERRORS} }} }}"
    body = await graphql(api, document, {"input": input}, token=token)
    assert "errors" not in body, body["errors"]
    payload: dict[str, Any] = body["data"][name]
    return payload


def codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]
