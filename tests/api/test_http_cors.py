"""Cross-origin calls: only configured origins, only with a bearer token, never with cookies."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from pydantic import ValidationError

from portalql.web.app import create_app
from tests.fixtures.app import app_settings, client_for

if TYPE_CHECKING:
    import httpx

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.app import Tokens

APP_ORIGIN = "https://app.example.com"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization,content-type",
}


@pytest.fixture
async def cors_api(gateway: StripeGateway, database: Database) -> httpx.AsyncClient:
    settings = app_settings(cors_origins=f"{APP_ORIGIN}, http://localhost:5173")
    return client_for(create_app(settings, gateway=gateway, database=database))


async def test_a_configured_origin_may_send_a_bearer_token_but_no_cookies(
    cors_api: httpx.AsyncClient,
) -> None:
    async with cors_api:
        response = await cors_api.options("/graphql", headers={"Origin": APP_ORIGIN, **PREFLIGHT})

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    allowed = {
        header.strip().lower() for header in response.headers["access-control-allow-headers"].split(",")
    }
    assert {"authorization", "content-type"} <= allowed
    assert "access-control-allow-credentials" not in response.headers


async def test_another_origin_is_refused(cors_api: httpx.AsyncClient) -> None:
    async with cors_api:
        response = await cors_api.options("/graphql", headers={"Origin": "https://evil.example", **PREFLIGHT})

    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_without_configuration_no_origin_is_approved(api: httpx.AsyncClient) -> None:
    response = await api.options("/graphql", headers={"Origin": APP_ORIGIN, **PREFLIGHT})

    assert "access-control-allow-origin" not in response.headers


async def test_a_cross_origin_query_can_read_its_request_id(
    cors_api: httpx.AsyncClient, tokens: Tokens, customer_a: str
) -> None:
    token = await tokens.customer_session(customer_a)

    async with cors_api:
        response = await cors_api.post(
            "/graphql",
            json={"query": "{ viewer { kind } }"},
            headers={"Origin": APP_ORIGIN, "Authorization": f"Bearer {token}"},
        )

    assert response.json() == {"data": {"viewer": {"kind": "CUSTOMER_SESSION"}}}
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()


def test_origins_are_read_comma_separated_and_checked() -> None:
    assert app_settings(cors_origins=" https://a.example ,http://localhost:5173").cors_origins == (
        "https://a.example",
        "http://localhost:5173",
    )
    with pytest.raises(ValidationError, match="not an origin"):
        app_settings(cors_origins="https://a.example/app")
