"""Bearer authentication over HTTP: which headers are accepted, and how a refused credential is answered."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from portalql.web.auth import bearer_token
from tests.fixtures.app import error_codes, graphql

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

VIEWER = "{ viewer { kind } }"
INVALID_TOKEN = 'Bearer error="invalid_token"'


@pytest.mark.parametrize(
    ("header", "token"),
    [
        (None, None),
        ("", None),
        ("Bearer pqs_abc", "pqs_abc"),
        ("bearer   pq_test_abc  ", "pq_test_abc"),
        ("Basic dXNlcjpwYXNz", ""),
        ("Bearer", ""),
        ("pq_test_abc", ""),
    ],
)
def test_bearer_token_is_read_from_the_authorization_header(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token


async def test_an_api_key_authenticates_without_calling_stripe(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()

    response = await api.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.json() == {"data": {"viewer": {"kind": "API_KEY"}}}
    assert "www-authenticate" not in response.headers
    assert sandbox.calls() == {}


async def test_a_customer_session_authenticates(
    api: httpx.AsyncClient, tokens: Tokens, customer_a: str
) -> None:
    token = await tokens.customer_session(customer_a)

    body = await graphql(api, "{ viewer { kind customer { id } } }", token=token)

    assert body == {"data": {"viewer": {"kind": "CUSTOMER_SESSION", "customer": {"id": customer_a}}}}


async def test_no_credentials_leave_introspection_open_and_data_closed(api: httpx.AsyncClient) -> None:
    response = await api.post("/graphql", json={"query": "{ __typename viewer { kind } }"})

    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert "www-authenticate" not in response.headers
    typename = await graphql(api, "{ __typename }")
    assert typename == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer pqs_" + "0" * 43,
        "Bearer pq_test_" + "0" * 43,
        "Bearer pq_live_" + "0" * 43,
        "Bearer sk_test_a_stripe_key_is_not_ours",
        "Basic dXNlcjpwYXNz",
        "Bearer",
    ],
    ids=[
        "unknown session",
        "unknown test key",
        "unknown live key",
        "foreign token",
        "basic auth",
        "empty bearer",
    ],
)
async def test_a_refused_credential_is_unauthenticated_and_challenged(
    api: httpx.AsyncClient, authorization: str
) -> None:
    response = await api.post("/graphql", json={"query": VIEWER}, headers={"Authorization": authorization})

    assert response.status_code == 200
    assert response.json()["data"] is None
    assert error_codes(response.json()) == ["UNAUTHENTICATED"]
    assert response.headers["www-authenticate"] == INVALID_TOKEN


async def test_expired_and_revoked_credentials_are_refused(
    api: httpx.AsyncClient, tokens: Tokens, customer_a: str
) -> None:
    refused = [
        await tokens.customer_session(customer_a, expired=True),
        await tokens.customer_session(customer_a, revoked=True),
        await tokens.api_key(revoked=True),
    ]

    for token in refused:
        response = await api.post(
            "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
        )

        assert error_codes(response.json()) == ["UNAUTHENTICATED"]
        assert response.headers["www-authenticate"] == INVALID_TOKEN
