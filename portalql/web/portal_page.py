"""The hosted portal page: a static single-page app at `/portal`, its assets under `/portal/assets/`.

The page is plain HTML, CSS and ES modules with no build step. It reads and writes only through the public
GraphQL API at `/portal/graphql`, authenticated by the session cookie a portal link sets, so it doubles as
the reference for teams building their own billing page. Everything it runs comes from this origin, except
Stripe.js, which collects card numbers so that they never reach portalql: the page loads it from Stripe
(or, with the sandbox, the sandbox's stand-in) when a card is added or a payment needs 3-D Secure. The
strict Content-Security-Policy allows exactly that: no inline script or style, no other third party.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Route

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.responses import Response
    from starlette.types import Receive, Scope, Send

STATIC_DIR = Path(__file__).parent / "static" / "portal"
PAGE_PATH = "/portal"
ASSETS_PATH = "/portal/assets"


@dataclass(frozen=True)
class StripeJs:
    """Where the page loads Stripe.js from, and the origins it then talks to (its Content-Security-Policy)."""

    url: str
    script_origins: tuple[str, ...]
    frame_origins: tuple[str, ...]
    api_origins: tuple[str, ...]


# Stripe's documented origins for Stripe.js: https://docs.stripe.com/security/guide#content-security-policy
STRIPE = StripeJs(
    url="https://js.stripe.com/v3/",
    script_origins=("https://js.stripe.com",),
    frame_origins=("https://js.stripe.com", "https://hooks.stripe.com"),
    api_origins=("https://api.stripe.com",),
)


def stripe_js_for(stripe_api_base: str | None) -> StripeJs:
    """Stripe's Stripe.js, or the stand-in the sandbox at `stripe_api_base` serves (scripts, its 3-D Secure
    frame and the API all on its origin)."""
    if stripe_api_base is None:
        return STRIPE
    parts = urlsplit(stripe_api_base)
    origin = f"{parts.scheme}://{parts.netloc}"
    return StripeJs(
        url=f"{origin}/v3/", script_origins=(origin,), frame_origins=(origin,), api_origins=(origin,)
    )


def content_security_policy(stripe_js: StripeJs) -> str:
    return "; ".join(
        (
            "default-src 'none'",
            " ".join(("script-src 'self'", *stripe_js.script_origins)),
            "style-src 'self'",
            " ".join(("connect-src 'self'", *stripe_js.api_origins)),
            " ".join(("frame-src", *stripe_js.frame_origins)),
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        )
    )


_COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Invoices open on Stripe's pages: they need not learn where the customer came from.
    "Referrer-Policy": "no-referrer",
}
_PAGE_HEADERS = {
    **_COMMON_HEADERS,
    "Cross-Origin-Opener-Policy": "same-origin",
    # The page shows a customer's billing details: never from a shared cache.
    "Cache-Control": "no-store",
}
# Asset names carry no content hash (there is no build step), so browsers revalidate with the ETag.
_ASSET_HEADERS = {**_COMMON_HEADERS, "Cache-Control": "no-cache"}


class _Assets(StaticFiles):
    """Static files with the portal's headers; Starlette's handles ranges, ETags and path traversal."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers.update(_ASSET_HEADERS)
        return response


def _page_html(stripe_js: StripeJs, publishable_key: str | None) -> str:
    """The page, told where Stripe.js is and which publishable key to load it with (both public)."""
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    key = escape(publishable_key or "")
    meta = f'<meta name="stripe-js" content="{escape(stripe_js.url)}" data-key="{key}">'
    return html.replace('<meta name="stripe-js">', meta, 1)


def mount_portal_page(app: FastAPI, *, stripe_api_base: str | None, publishable_key: str | None) -> None:
    """Serve the page at `/portal` and its assets; one-time links land here after setting the cookie."""
    stripe_js = stripe_js_for(stripe_api_base)
    html = _page_html(stripe_js, publishable_key)
    headers = {**_PAGE_HEADERS, "Content-Security-Policy": content_security_policy(stripe_js)}

    async def page(scope: Scope, receive: Receive, send: Send) -> None:
        # A response per request: the compression rewrites its headers.
        await HTMLResponse(html, headers=headers)(scope, receive, send)

    # Compressed when served, as there is no build step: HTML, modules and stylesheet shrink to a third.
    app.router.routes.append(Route(PAGE_PATH, GZipMiddleware(page), methods=["GET"]))
    app.mount(ASSETS_PATH, GZipMiddleware(_Assets(directory=STATIC_DIR / "assets")), name="portal-assets")
