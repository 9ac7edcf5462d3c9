"""The demo's product: where the hosted portal's way back leads when `portalql serve` runs on demo data, and
the event endpoint the demo registers, so the events a product would receive show on that page.

A real integration passes its own page (the product's billing settings) as `returnUrl` and its own
endpoint to `createEventEndpoint`; these stand in for them, and say so. Development only.
"""

from __future__ import annotations

import html
from collections import deque
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from portalql.persistence.repositories.event_deliveries import enabled_event_endpoints
from portalql.web.portal_links import portal_styled_page

if TYPE_CHECKING:
    from portalql.runtime import Runtime

DEMO_RETURN_PATH = "/demo/returned"
DEMO_EVENTS_PATH = "/demo/events"
# The latest events the demo product received, newest first; a request body is at most this long.
_KEPT = 20
_MAX_BODY = 64_000

_BODY = (
    "<p>This page stands in for your product: the hosted billing portal sends customers back to the "
    "<code>returnUrl</code> you give <code>createPortalSession</code> (or the portal configuration's "
    "default return URL), such as your app's billing settings.</p>"
    "<p>Portal links work once. To open the portal again, create a new link with "
    "<code>createPortalSession(input: {customerId, kind: HOSTED})</code> and an API key, or restart "
    "<code>./dev serve</code>, which prints fresh ones.</p>"
    '<p class="actions"><a class="button primary" href="/graphql">Open GraphiQL</a></p>'
)


def demo_return_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    received: deque[dict[str, Any]] = deque(maxlen=_KEPT)

    @router.get(DEMO_RETURN_PATH, response_class=HTMLResponse)
    async def returned() -> HTMLResponse:
        return portal_styled_page("You are back in the product", _BODY + _events(received))

    @router.post(DEMO_EVENTS_PATH)
    async def event(request: Request) -> Response:
        # Verified as a product would: with the secret of the endpoint registered at this URL.
        body = await request.body()
        url = str(request.url)
        async with runtime.services.database.session() as db:
            secrets = [each.secret for each in await enabled_event_endpoints(db) if each.url == url]
        for secret in secrets:
            try:
                payload = Webhook(secret).verify(body[:_MAX_BODY], dict(request.headers))
            except WebhookVerificationError:
                continue
            received.appendleft(payload)
            return Response(status_code=204)
        return Response(status_code=400)

    return router


def _events(received: deque[dict[str, Any]]) -> str:
    if not received:
        return (
            "<h3>Events for the product</h3><p>None yet: change something in the portal, and the signed "
            f"event your product would receive at <code>{DEMO_EVENTS_PATH}</code> shows here.</p>"
        )
    rows = "".join(
        f"<li><span><code>{html.escape(str(event.get('type')))}</code> "
        f"{html.escape(str(event['data'].get('object', {}).get('id', '')))}</span>"
        f"<span>{html.escape(str(event.get('timestamp')))}</span></li>"
        for event in received
    )
    return (
        f"<h3>Events for the product</h3><p>Signed, as received at <code>{DEMO_EVENTS_PATH}</code>:</p>"
        f'<ul class="rows">{rows}</ul>'
    )
