"""The hosted portal page: a static single-page app at `/portal`, its assets under `/portal/assets/`.

The page is plain HTML, CSS and ES modules with no build step. It reads and writes only through the public
GraphQL API at `/portal/graphql`, authenticated by the session cookie a portal link sets, so it doubles as
the reference for teams building their own billing page. Everything it runs comes from this origin, which
lets the page carry a strict Content-Security-Policy: no inline script or style, no third-party requests.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi.responses import FileResponse
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

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
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
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
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


async def _page(scope: Scope, receive: Receive, send: Send) -> None:
    response = FileResponse(STATIC_DIR / "index.html", media_type="text/html", headers=_PAGE_HEADERS)
    await response(scope, receive, send)


def mount_portal_page(app: FastAPI) -> None:
    """Serve the page at `/portal` and its assets; one-time links land here after setting the cookie."""
    # Compressed when served, as there is no build step: HTML, modules and stylesheet shrink to a third.
    app.router.routes.append(Route(PAGE_PATH, GZipMiddleware(_page), methods=["GET"]))
    app.mount(ASSETS_PATH, GZipMiddleware(_Assets(directory=STATIC_DIR / "assets")), name="portal-assets")
