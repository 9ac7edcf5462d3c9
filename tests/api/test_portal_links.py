"""One-time hosted portal links over HTTP: opened once into a cookie session, or exchanged for a token."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from portalql.persistence.models import utcnow
from portalql.persistence.repositories.api_keys import create_api_key
from portalql.persistence.repositories.sessions import create_portal_link
from portalql.settings import Settings
from portalql.web.app import create_app
from portalql.web.demo_return import DEMO_RETURN_PATH
from tests.api.mutation_support import MAYA, customer_id, mutate, subscription
from tests.fixtures.app import app_settings, client_for, error_codes, graphql

if TYPE_CHECKING:
    import httpx

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

RETURN_URL = "https://app.lumenpad.example.com/settings/billing"
VIEWER = "{ viewer { kind customer { id } } }"
CSRF = {"X-PortalQL-CSRF": "1"}
STYLESHEET = '<link rel="stylesheet" href="/portal/assets/portal.css">'


async def assert_looks_like_the_portal(api: httpx.AsyncClient, page: httpx.Response) -> None:
    """The page links the portal's stylesheet, which is served, and wears its masthead and card."""
    assert STYLESHEET in page.text
    assert '<header class="masthead">' in page.text
    assert '<section class="card">' in page.text
    assert "style-src 'self'" in page.headers["content-security-policy"]
    stylesheet = await api.get("/portal/assets/portal.css")
    assert stylesheet.status_code == 200
    assert stylesheet.headers["content-type"].startswith("text/css")
    assert ".masthead" in stylesheet.text


async def portal_link(api: httpx.AsyncClient, tokens: Tokens, customer: str, **given: Any) -> str:
    payload = await mutate(
        api,
        "createPortalSession",
        {"customerId": customer, "kind": "HOSTED", "returnUrl": RETURN_URL, **given},
        await tokens.api_key(),
        "portalSession { url }",
    )
    url: str = payload["portalSession"]["url"]
    return urlsplit(url).path


async def test_opening_a_link_sets_the_session_cookie_and_lands_on_the_flows_step(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    subscription_id = subscription(sandbox, MAYA)["id"]
    link = await portal_link(
        api,
        tokens,
        customer_id(sandbox, MAYA),
        flow={"type": "SUBSCRIPTION_CANCEL", "subscriptionId": subscription_id},
    )

    response = await api.get(link)

    assert response.status_code == 303
    assert response.headers["location"] == f"/portal?flow=subscription_cancel&subscription={subscription_id}"
    assert response.headers["cache-control"] == "no-store"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("portalql_session=pqs_")
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "path=/portal", "samesite=lax", "max-age=3600"} <= attributes
    assert "secure" not in attributes  # served over plain http here


async def test_the_cookie_authenticates_the_portals_graphql_with_the_csrf_header_only(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    maya = customer_id(sandbox, MAYA)
    await api.get(await portal_link(api, tokens, maya))  # the client keeps the cookie, as a browser does
    query = {"query": VIEWER}

    with_header = await api.post("/portal/graphql", json=query, headers=CSRF)
    without_header = await api.post("/portal/graphql", json=query)
    elsewhere = await api.post("/graphql", json=query, headers=CSRF)  # the cookie is scoped to /portal

    assert with_header.json()["data"]["viewer"] == {"kind": "CUSTOMER_SESSION", "customer": {"id": maya}}
    assert error_codes(without_header.json()) == ["UNAUTHENTICATED"]
    assert without_header.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert error_codes(elsewhere.json()) == ["UNAUTHENTICATED"]


async def test_a_cookie_session_can_make_changes_with_the_csrf_header(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    await api.get(await portal_link(api, tokens, customer_id(sandbox, MAYA)))
    cancel = {
        "query": "mutation($input: CancelSubscriptionInput!) {"
        " cancelSubscription(input: $input) { subscription { cancelAtPeriodEnd } userErrors { code } } }",
        "variables": {"input": {"subscriptionId": subscription(sandbox, MAYA)["id"]}},
    }

    forged = await api.post("/portal/graphql", json=cancel)
    assert subscription(sandbox, MAYA)["cancel_at_period_end"] is False
    made = await api.post("/portal/graphql", json=cancel, headers=CSRF)

    assert error_codes(forged.json()) == ["UNAUTHENTICATED"]
    assert made.json()["data"]["cancelSubscription"] == {
        "subscription": {"cancelAtPeriodEnd": True},
        "userErrors": [],
    }
    assert subscription(sandbox, MAYA)["cancel_at_period_end"] is True


async def test_the_cookie_is_secure_when_the_service_is_served_over_https(
    gateway: StripeGateway, database: Database, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    settings = Settings(_env_file=None, public_url="https://billing.lumenpad.example.com")
    app = create_app(settings, gateway=gateway, database=database)
    async with client_for(app) as client:
        response = await client.get(await portal_link(client, tokens, customer_id(sandbox, MAYA)))

    assert "secure" in {part.strip().lower() for part in response.headers["set-cookie"].split(";")}


async def test_a_used_link_gets_a_clear_page_with_the_way_back(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    link = await portal_link(api, tokens, customer_id(sandbox, MAYA))
    await api.get(link)

    again = await api.get(link)

    assert again.status_code == 410
    assert again.headers["content-type"].startswith("text/html")
    assert "already been used" in again.text
    assert f'href="{RETURN_URL}"' in again.text
    assert "Return to app.lumenpad.example.com" in again.text
    assert "set-cookie" not in again.headers
    await assert_looks_like_the_portal(api, again)


async def test_an_expired_link_gets_a_clear_page(
    api: httpx.AsyncClient, database: Database, sandbox: SandboxHandle
) -> None:
    async with database.session() as db:
        key = await create_api_key(db, name="tests", livemode=False)
        created = await create_portal_link(
            db,
            customer_id=customer_id(sandbox, MAYA),
            return_url=RETURN_URL,
            ttl=timedelta(minutes=15),
            created_by_api_key_id=key.key.id,
            now=utcnow() - timedelta(hours=1),
        )

    response = await api.get(f"/portal/s/{created.code}")

    assert response.status_code == 410
    assert "has expired" in response.text
    assert f'href="{RETURN_URL}"' in response.text
    await assert_looks_like_the_portal(api, response)


async def test_an_unknown_link_gets_a_clear_page(api: httpx.AsyncClient) -> None:
    response = await api.get("/portal/s/not-a-code")

    assert response.status_code == 404
    assert "not valid" in response.text
    assert "Traceback" not in response.text
    await assert_looks_like_the_portal(api, response)


async def test_the_demos_return_url_is_a_page_that_explains_itself(api: httpx.AsyncClient) -> None:
    response = await api.get(DEMO_RETURN_PATH)

    assert response.status_code == 200
    assert "You are back in the product" in response.text
    assert "returnUrl" in response.text
    await assert_looks_like_the_portal(api, response)


async def test_production_serves_no_demo_page(gateway: StripeGateway, database: Database) -> None:
    # Copied, not validated: production's own checks (a real Stripe key, PostgreSQL) are beside the point.
    production = app_settings().model_copy(update={"environment": "production"})
    async with client_for(create_app(production, gateway=gateway, database=database)) as client:
        response = await client.get(DEMO_RETURN_PATH)

    assert response.status_code == 404


async def test_an_spa_exchanges_the_code_once_for_a_bearer_token(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    maya = customer_id(sandbox, MAYA)
    code = (await portal_link(api, tokens, maya)).rsplit("/", 1)[-1]

    exchanged = await api.post("/portal/sessions/exchange", json={"code": code})
    again = await api.post("/portal/sessions/exchange", json={"code": code})
    unknown = await api.post("/portal/sessions/exchange", json={"code": "nope"})
    viewer = await graphql(api, VIEWER, token=exchanged.json()["token"])

    assert exchanged.status_code == 200
    body = exchanged.json()
    assert set(body) == {"token", "expiresAt", "customerId"}
    assert (body["token"][:4], body["customerId"]) == ("pqs_", maya)
    assert body["expiresAt"].endswith("Z")
    assert viewer["data"]["viewer"]["customer"] == {"id": maya}
    assert (again.status_code, again.json()["error"]["code"]) == (410, "already_used")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "unknown")


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": 42}])
async def test_a_malformed_exchange_is_refused(api: httpx.AsyncClient, body: dict[str, Any]) -> None:
    response = await api.post("/portal/sessions/exchange", json=body)

    assert response.status_code == 422


async def test_a_link_made_in_a_language_opens_the_page_in_it_whatever_the_browser_speaks(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    link = await portal_link(api, tokens, customer_id(sandbox, MAYA), locale="ja-JP")

    opened = await api.get(link)
    page = await api.get("/portal", headers={"Accept-Language": "de"})

    assert "portalql_locale=ja-JP" in opened.headers.get_list("set-cookie")[0]
    assert '<html lang="ja-JP">' in page.text
    assert "/portal/messages/ja.json" in page.text
