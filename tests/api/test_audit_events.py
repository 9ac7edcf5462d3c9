"""Every mutation leaves an audit event; `auditEvents` reads them back, a customer only its own."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import pytest

from resolvers.principals import Scope
from tests.api.mutation_support import MAYA, NOAH, customer_id, mutate, subscription
from tests.fixtures.app import error_codes, graphql

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

EVENTS = """
query($first: Int, $after: String, $customerId: ID) {
  auditEvents(first: $first, after: $after, customerId: $customerId) {
    edges {
      cursor
      node {
        action principalType principalId customerId objectType objectId before after requestId clientIp source
      }
    }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""


async def cancel_with_request_id(
    api: httpx.AsyncClient, token: str, subscription_id: str, request_id: str
) -> None:
    response = await api.post(
        "/graphql",
        json={
            "query": "mutation($input: CancelSubscriptionInput!) {"
            " cancelSubscription(input: $input) { userErrors { code } } }",
            "variables": {"input": {"subscriptionId": subscription_id, "reason": "UNUSED"}},
        },
        headers={"Authorization": f"Bearer {token}", "X-Request-Id": request_id},
    )
    assert response.json()["data"]["cancelSubscription"]["userErrors"] == []


async def events(api: httpx.AsyncClient, token: str, **variables: Any) -> dict[str, Any]:
    body = await graphql(api, EVENTS, variables, token=token)
    assert "errors" not in body, body["errors"]
    connection: dict[str, Any] = body["data"]["auditEvents"]
    return connection


async def test_a_change_is_recorded_with_who_what_before_after_and_the_request(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    maya = customer_id(sandbox, MAYA)
    subscription_id = subscription(sandbox, MAYA)["id"]
    await cancel_with_request_id(api, await tokens.customer_session(maya), subscription_id, "req-cancel-1")

    [edge] = (await events(api, await tokens.api_key(), customerId=maya))["edges"]

    event = edge["node"]
    assert event["action"] == "subscription.cancel"
    assert (event["principalType"], event["principalId"][:5]) == ("CUSTOMER_SESSION", "pqcs_")
    assert (event["customerId"], event["objectType"], event["objectId"]) == (
        maya,
        "subscription",
        subscription_id,
    )
    assert event["before"] == {"status": "active", "cancelAtPeriodEnd": False, "cancelAt": None}
    assert event["after"]["cancelAtPeriodEnd"] is True
    assert (event["after"]["mode"], event["after"]["reason"]) == ("at_period_end", "unused")
    assert (event["requestId"], event["clientIp"], event["source"]) == (
        "req-cancel-1",
        "127.0.0.1",
        "PORTALQL",
    )


async def test_each_mutation_kind_is_audited_and_listed_newest_first_in_pages(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    api_key, maya = await tokens.api_key(), customer_id(sandbox, MAYA)
    subscription_id = subscription(sandbox, MAYA)["id"]
    await mutate(api, "updateCustomer", {"customerId": maya, "name": "Maya C."}, api_key)
    await mutate(api, "cancelSubscription", {"subscriptionId": subscription_id}, api_key)
    await mutate(api, "reactivateSubscription", {"subscriptionId": subscription_id}, api_key)
    await mutate(api, "createPortalSession", {"customerId": maya, "kind": "HOSTED"}, api_key)

    first = await events(api, api_key, first=3, customerId=maya)
    rest = await events(api, api_key, first=3, after=first["pageInfo"]["endCursor"], customerId=maya)

    actions = [edge["node"]["action"] for edge in first["edges"] + rest["edges"]]
    assert actions == [
        "portal_session.create",
        "subscription.reactivate",
        "subscription.cancel",
        "customer.update",
    ]
    assert (first["pageInfo"]["hasNextPage"], first["pageInfo"]["hasPreviousPage"]) == (True, False)
    assert (rest["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasPreviousPage"]) == (False, True)
    assert {edge["node"]["principalType"] for edge in first["edges"]} == {"API_KEY"}


async def test_a_customer_reads_only_its_own_events_without_the_merchants_details(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    api_key, maya, noah = await tokens.api_key(), customer_id(sandbox, MAYA), customer_id(sandbox, NOAH)
    await mutate(api, "cancelSubscription", {"subscriptionId": subscription(sandbox, MAYA)["id"]}, api_key)
    await mutate(api, "cancelSubscription", {"subscriptionId": subscription(sandbox, NOAH)["id"]}, api_key)
    token = await tokens.customer_session(maya, scopes={Scope.AUDIT_READ})

    own = await events(api, token)
    others = await graphql(api, EVENTS, {"customerId": noah}, token=token)

    [edge] = own["edges"]
    assert edge["node"]["customerId"] == maya
    assert (edge["node"]["principalType"], edge["node"]["principalId"], edge["node"]["clientIp"]) == (
        "API_KEY",
        None,
        None,
    )
    assert error_codes(others) == ["NOT_FOUND"]
    assert len((await events(api, api_key))["edges"]) == 2  # an API key reads every customer's


async def test_reading_the_trail_needs_the_audit_read_scope(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA), scopes=set(Scope) - {Scope.AUDIT_READ})

    body = await graphql(api, EVENTS, {}, token=token)

    assert error_codes(body) == ["FORBIDDEN"]


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("not-a-cursor", id="garbage"),
        # Well formed, but with an id no 64-bit key can hold.
        pytest.param(
            base64.urlsafe_b64encode(b"2026-01-01T00:00:00+00:00|12345678901234567890123456").decode(),
            id="overflowing-id",
        ),
        pytest.param("QUFB" * 10_000, id="huge"),
    ],
)
async def test_a_cursor_that_is_not_one_is_refused(
    api: httpx.AsyncClient, tokens: Tokens, cursor: str
) -> None:
    body = await graphql(api, EVENTS, {"after": cursor}, token=await tokens.api_key())

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert len(str(body)) < 1000
