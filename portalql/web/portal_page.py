"""The hosted portal page: a static single-page app at `/portal`, its assets under `/portal/assets/`.

The page is plain HTML, CSS and ES modules with no build step. It reads and writes only through the public
GraphQL API at `/portal/graphql`, authenticated by the session cookie a portal link sets, so it doubles as
the reference for teams building their own billing page. Everything it runs comes from this origin, except
Stripe.js, which collects card numbers so that they never reach portalql: the page loads it from Stripe
(or, with the sandbox, the sandbox's stand-in) when a card is added or a payment needs 3-D Secure. The
strict Content-Security-Policy allows exactly that: no inline script or style, no other third party
(images aside: the merchant's logo and icon, from where the brand says).

The server renders the page in the reader's language (`translations`: the session's locale, remembered in
a cookie when its link was opened, else the browser's) and links the one JSON catalog its scripts need, and
dresses it in the merchant's brand (`portalql.web.brand`), read through the gateway's cache.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from translations import SOURCE, Catalogs, Choice, accept_language, negotiate
from translations.html import render_html

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from fastapi import FastAPI
    from starlette.types import Receive, Scope, Send

    from portalql.web.brand import Brand

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static" / "portal"
PAGE_PATH = "/portal"
ASSETS_PATH = "/portal/assets"
MESSAGES_PATH = "/portal/messages"
BRAND_CSS_PATH = "/portal/brand.css"
# The language a portal link was opened in (its session's `locale`), for the page and the pages after it.
LOCALE_COOKIE = "portalql_locale"


@dataclass(frozen=True)
class StripeJs:
    """Where the page loads Stripe.js from, and the origins it then talks to (its Content-Security-Policy)."""

    url: str
    script_origins: tuple[str, ...]
    frame_origins: tuple[str, ...]
    api_origins: tuple[str, ...]


# Stripe's documented origins for Stripe.js: https://docs.stripe.com/security/guide#content-security-policy
# (Stripe.js loads its Elements' frames and their scripts from subdomains of js.stripe.com too). The Google
# Maps origins it also lists serve only the Address Element's autocomplete, which the page does not use.
STRIPE = StripeJs(
    url="https://js.stripe.com/v3/",
    script_origins=("https://js.stripe.com", "https://*.js.stripe.com"),
    frame_origins=("https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"),
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


def content_security_policy(stripe_js: StripeJs, image_origins: tuple[str, ...] = ()) -> str:
    return "; ".join(
        (
            "default-src 'none'",
            " ".join(("script-src 'self'", *stripe_js.script_origins)),
            "style-src 'self'",
            " ".join(("img-src 'self'", *image_origins)),
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


def page_language(request: Request) -> Choice:
    """The session's language (remembered when its link was opened), else the browser's, else English."""
    return negotiate(
        [request.cookies.get(LOCALE_COOKIE), *accept_language(request.headers.get("accept-language"))]
    )


@dataclass(frozen=True)
class _Page:
    """The page in every language, rendered once; a request adds its locale and the merchant's brand."""

    by_language: dict[str, str]

    @classmethod
    def render(cls, catalogs: Catalogs, stripe_js: StripeJs, publishable_key: str | None) -> _Page:
        html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
        key = escape(publishable_key or "")
        meta = f'<meta name="stripe-js" content="{escape(stripe_js.url)}" data-key="{key}">'
        html = html.replace('<meta name="stripe-js">', meta, 1)
        pages = {}
        for language in catalogs.languages:
            translated = render_html(html, catalogs.translator(language).gettext)
            if language != SOURCE:
                # The one catalog the page's scripts need, fetched while the modules load.
                link = (
                    f'<link rel="preload" as="fetch" crossorigin="anonymous" data-messages '
                    f'href="{MESSAGES_PATH}/{language}.json">'
                )
                translated = translated.replace("<!--messages-->", link, 1)
            pages[language] = translated
        return cls(pages)

    def html(self, choice: Choice, brand: Brand) -> str:
        html = self.by_language[choice.language].replace('<html lang="en">', f'<html lang="{choice.tag}">', 1)
        head = []
        if brand.css():
            digest = hashlib.sha256(brand.css().encode()).hexdigest()[:12]
            head.append(f'<link rel="stylesheet" href="{BRAND_CSS_PATH}?v={digest}">')
        if brand.icon_url:
            head.append(f'<link rel="icon" href="{escape(brand.icon_url)}">')
        html = html.replace("<!--brand-head-->", "".join(head), 1)
        mark = []
        if brand.logo_url:
            # The logo says who the page is for; the heading beside it says what it is.
            mark.append(
                f'<img class="brand-logo" src="{escape(brand.logo_url)}" alt="{escape(brand.name or "")}">'
            )
        elif brand.name:
            mark.append(f'<p class="brand-name">{escape(brand.name)}</p>')
        return html.replace("<!--brand-->", "".join(mark), 1)


def _origins(*urls: str | None) -> tuple[str, ...]:
    found = []
    for url in urls:
        parts = urlsplit(url or "")
        if parts.scheme in {"http", "https"} and parts.netloc:
            found.append(f"{parts.scheme}://{parts.netloc}")
    return tuple(dict.fromkeys(found))


def mount_portal_page(
    app: FastAPI,
    *,
    stripe_api_base: str | None,
    publishable_key: str | None,
    catalogs: Catalogs,
    brand: Callable[[], Awaitable[Brand]],
) -> None:
    """Serve the page at `/portal` in the reader's language and the merchant's brand, its one catalog for
    that language, the brand's stylesheet, and the assets; one-time links land here after setting the
    cookie."""
    stripe_js = stripe_js_for(stripe_api_base)
    page_in = _Page.render(catalogs, stripe_js, publishable_key)
    catalog_bodies = {
        language: orjson.dumps({"language": language, "messages": catalogs.page_messages(language)})
        for language in catalogs.languages
        if language != SOURCE
    }

    async def page(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        shown = await brand()
        policy = content_security_policy(stripe_js, _origins(shown.logo_url, shown.icon_url))
        headers = {**_PAGE_HEADERS, "Content-Security-Policy": policy, "Vary": "Cookie, Accept-Language"}
        await HTMLResponse(page_in.html(page_language(request), shown), headers=headers)(scope, receive, send)

    async def messages(scope: Scope, receive: Receive, send: Send) -> None:
        language = scope["path_params"]["language"]
        body = catalog_bodies.get(language)
        if body is None:
            response = Response(status_code=404, headers=_COMMON_HEADERS)
        else:
            response = _revalidated(Request(scope), body, "application/json")
        await response(scope, receive, send)

    async def brand_css(scope: Scope, receive: Receive, send: Send) -> None:
        css = (await brand()).css().encode()
        await _revalidated(Request(scope), css, "text/css; charset=utf-8")(scope, receive, send)

    # Compressed when served, as there is no build step: HTML, modules and stylesheet shrink to a third.
    app.router.routes.append(Route(PAGE_PATH, GZipMiddleware(page), methods=["GET"]))
    app.router.routes.append(
        Route(f"{MESSAGES_PATH}/{{language}}.json", GZipMiddleware(messages), methods=["GET"])
    )
    app.router.routes.append(Route(BRAND_CSS_PATH, GZipMiddleware(brand_css), methods=["GET"]))
    app.mount(ASSETS_PATH, GZipMiddleware(_Assets(directory=STATIC_DIR / "assets")), name="portal-assets")


def _revalidated(request: Request, body: bytes, media_type: str) -> Response:
    """`body` with an ETag, or 304 when the browser holds it already."""
    etag = f'"{hashlib.sha256(body).hexdigest()[:20]}"'
    headers = {**_ASSET_HEADERS, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)
