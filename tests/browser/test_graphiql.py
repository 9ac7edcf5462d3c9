"""GraphiQL in Chromium with no internet: every request but the server's is blocked, and it still renders,
explores the schema and runs a query, under its strict Content-Security-Policy (the `page` fixture fails on
any CSP violation or uncaught error)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.async_api import expect

from portalql.web.graphiql import installed
from tests.browser.fixtures import BROWSER_LOOP, screenshot

if TYPE_CHECKING:
    from playwright.async_api import Page, Route

    from tests.browser.fixtures import PortalServer

pytestmark = BROWSER_LOOP


async def test_graphiql_renders_explores_and_runs_a_query_with_only_the_server_reachable(
    page: Page, portal_server: PortalServer
) -> None:
    assert installed(), "GraphiQL's assets are installed by ./dev (npm ci in portalql/web/static/graphiql)"
    elsewhere: list[str] = []

    async def only_the_server(route: Route) -> None:
        if route.request.url.startswith(portal_server.url + "/"):
            await route.continue_()
        else:
            elsewhere.append(route.request.url)
            await route.abort("internetdisconnected")

    await page.context.route("**/*", only_the_server)
    response = await page.goto(f"{portal_server.url}/graphql")

    assert response is not None
    assert "script-src 'self';" in response.headers["content-security-policy"]
    await expect(page.locator(".graphiql-container")).to_be_visible()
    # The explorer plugin lists the schema's root fields once introspection has answered.
    await page.get_by_role("button", name="Show GraphiQL Explorer").click()
    await expect(
        page.locator(".graphiql-explorer-root").get_by_text("viewer", exact=True).first
    ).to_be_visible()
    await page.evaluate(
        """() => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror
              .setValue('{ portalConfiguration { defaultReturnUrl } viewer { scopes } }')"""
    )
    await page.locator(".graphiql-execute-button").click()
    await expect(page.locator(".graphiql-response")).to_contain_text('"UNAUTHENTICATED"')
    await screenshot(page, "graphiql-offline")

    assert elsewhere == []
