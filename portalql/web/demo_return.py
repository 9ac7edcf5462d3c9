"""The demo's return URL: where the hosted portal's way back leads when `portalql serve` runs on demo data.

A real integration passes its own page (the product's billing settings) as `returnUrl`; this stands in for
it, says so, and offers the ways on: GraphiQL, and how to open the portal again. Development only.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from portalql.web.portal_links import portal_styled_page

DEMO_RETURN_PATH = "/demo/returned"

_BODY = (
    "<p>This page stands in for your product: the hosted billing portal sends customers back to the "
    "<code>returnUrl</code> you give <code>createPortalSession</code> (or the portal configuration's "
    "default return URL), such as your app's billing settings.</p>"
    "<p>Portal links work once. To open the portal again, create a new link with "
    "<code>createPortalSession(input: {customerId, kind: HOSTED})</code> and an API key, or restart "
    "<code>./dev serve</code>, which prints fresh ones.</p>"
    '<p class="actions"><a class="button primary" href="/graphql">Open GraphiQL</a></p>'
)


def demo_return_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(DEMO_RETURN_PATH, response_class=HTMLResponse)
    async def returned() -> HTMLResponse:
        return portal_styled_page("You are back in the product", _BODY)

    return router
