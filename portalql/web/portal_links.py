"""One-time hosted portal links: `GET /portal/s/{code}` opens the portal in a browser, and
`POST /portal/sessions/exchange` trades a code for a bearer token, for SPAs.

Opening a link redeems its code exactly once (the repository claims it with one conditional update),
creates a customer session, sets it as an HttpOnly, SameSite=Lax cookie scoped to `/portal` (Secure when
the service is served over https) and redirects to the portal page at `/portal` (`portalql.web.portal_page`),
with the link's flow in the query so the page can open on that step. A used, expired or unknown code gets
a page that says so, with a way back. The cookie authenticates GraphQL at `/portal/graphql` together with
the `X-PortalQL-CSRF` header (see `portalql.web.auth`).
"""

from __future__ import annotations

import html
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field

from portalql.observability.metrics import CUSTOMER_SESSIONS, PORTAL_LINKS
from portalql.persistence.repositories.session_admin import find_portal_link
from portalql.persistence.repositories.sessions import (
    CreatedCustomerSession,
    PortalCodeProblem,
    PortalCodeRejectedError,
    redeem_portal_code,
)
from portalql.web.auth import SESSION_COOKIE
from portalql.web.portal_page import ASSETS_PATH, LOCALE_COOKIE
from translations import choose

if TYPE_CHECKING:
    from portalql.persistence.db import Database
    from portalql.persistence.models import PortalLink
    from portalql.runtime import Runtime
    from stripe_gateway.records import PortalFlow

PORTAL_PATH = "/portal"
# Nothing about a link or the session it opens may be cached, or leak through the Referer header.
_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
# Pages without script: the portal's stylesheet and nothing else.
_STATIC_PAGE_POLICY = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'"
_STATUS = {
    PortalCodeProblem.UNKNOWN: 404,
    PortalCodeProblem.EXPIRED: 410,
    PortalCodeProblem.ALREADY_USED: 410,
}


class ExchangeRequest(BaseModel):
    code: str = Field(min_length=1, max_length=200)


def portal_styled_page(title: str, body: str, *, status_code: int = 200) -> HTMLResponse:
    """A page of the portal's own look (its stylesheet, masthead and card) around `body`, trusted HTML;
    no script runs on it."""
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light">'
        f"<title>{html.escape(title)}</title>"
        f'<link rel="stylesheet" href="{ASSETS_PATH}/portal.css"></head>'
        '<body><header class="masthead"><div class="wrap"><h1>Billing</h1></div></header>'
        '<main id="main" class="wrap"><section class="card">'
        f"<h2>{html.escape(title)}</h2>{body}</section></main></body></html>"
    )
    headers = {**_PRIVATE, "Content-Security-Policy": _STATIC_PAGE_POLICY}
    return HTMLResponse(document, status_code=status_code, headers=headers)


def _unusable_link_page(problem: PortalCodeProblem, message: str, return_url: str | None) -> HTMLResponse:
    back = (
        f'<p class="actions"><a class="button primary" href="{html.escape(return_url, quote=True)}">'
        f"Return to {html.escape(urlsplit(return_url).netloc)}</a></p>"
        '<p class="muted">Open billing from there again to get a new link.</p>'
        if return_url
        else "<p>Go back to the application and open billing from there again.</p>"
    )
    return portal_styled_page(
        "This link cannot be used", f"<p>{html.escape(message)}</p>{back}", status_code=_STATUS[problem]
    )


async def _redeem(
    database: Database, code: str, ttl: timedelta
) -> tuple[CreatedCustomerSession, PortalLink | None]:
    try:
        async with database.session() as db:
            created = await redeem_portal_code(db, code, session_ttl=ttl)
            link = await find_portal_link(db, code)
    except PortalCodeRejectedError as rejected:
        PORTAL_LINKS.labels("expired" if rejected.problem is PortalCodeProblem.EXPIRED else "refused").inc()
        raise
    PORTAL_LINKS.labels("redeemed").inc()
    CUSTOMER_SESSIONS.labels("created").inc()
    return created, link


def _portal_target(flow: PortalFlow | None) -> str:
    """The portal page, opening on the link's flow: `/portal?flow=subscription_cancel&subscription=sub_…`."""
    if flow is None:
        return PORTAL_PATH
    query = {"flow": flow.type.value}
    if flow.subscription_id is not None:
        query["subscription"] = flow.subscription_id
    # An update-confirm flow names the price to confirm; the page opens on the review of that change.
    if flow.items and (price_id := flow.items[0].price_id) is not None:
        query["price"] = price_id
    return f"{PORTAL_PATH}?{urlencode(query)}"


def portal_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    settings = runtime.settings
    session_ttl = timedelta(seconds=settings.customer_session_ttl_seconds)

    def database() -> Database:
        return runtime.services.database

    @router.get("/portal/s/{code}")
    async def open_portal_link(code: str, request: Request) -> Response:
        try:
            created, link = await _redeem(database(), code, session_ttl)
        except PortalCodeRejectedError as rejected:
            async with database().session() as db:
                unusable = await find_portal_link(db, code)
            return _unusable_link_page(
                rejected.problem, str(rejected), unusable.return_url if unusable else None
            )
        target = _portal_target(link.flow if link else None)
        response = RedirectResponse(target, status_code=303, headers=_PRIVATE)
        chosen = choose(created.principal.locale) if created.principal.locale else None
        if chosen is not None:
            # The page, and the pages after it, speak the session's language rather than the browser's.
            response.set_cookie(
                LOCALE_COOKIE,
                chosen.tag,
                max_age=int(session_ttl.total_seconds()),
                path=PORTAL_PATH,
                httponly=True,
                samesite="lax",
            )
        response.set_cookie(
            SESSION_COOKIE,
            created.token,
            max_age=int(session_ttl.total_seconds()),
            path=PORTAL_PATH,
            secure=settings.public_url.startswith("https://") or request.url.scheme == "https",
            httponly=True,
            samesite="lax",
        )
        return response

    @router.post("/portal/sessions/exchange")
    async def exchange_portal_code(exchange: ExchangeRequest) -> JSONResponse:
        """Trade a portal link's code for a customer session token (`Authorization: Bearer pqs_…`)."""
        try:
            created, _ = await _redeem(database(), exchange.code, session_ttl)
        except PortalCodeRejectedError as rejected:
            return JSONResponse(
                {"error": {"code": rejected.problem.value, "message": str(rejected)}},
                status_code=_STATUS[rejected.problem],
                headers=_PRIVATE,
            )
        session = created.principal
        return JSONResponse(
            {
                "token": created.token,
                "expiresAt": session.expires_at.isoformat().replace("+00:00", "Z"),
                "customerId": session.customer_id,
            },
            headers=_PRIVATE,
        )

    return router
