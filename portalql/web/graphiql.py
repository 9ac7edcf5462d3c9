"""GraphiQL, with its explorer plugin, served entirely from this origin.

strawberry's GraphiQL page loads React and GraphiQL from a public CDN, so without internet it never leaves
"Loading...". Here the same pinned packages are installed at set-up (`./dev` runs `npm ci` in
`static/graphiql/`, from its lock file) and served from `/graphiql/assets/`; the page's own script is a file
beside them, so the Content-Security-Policy allows scripts, styles and requests from this origin alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse

if TYPE_CHECKING:
    from starlette.responses import Response

STATIC_DIR = Path(__file__).parent / "static" / "graphiql"
ASSETS_PATH = "/graphiql/assets"
_MODULES = STATIC_DIR / "node_modules"
# Each asset the page loads, by the name it is served under; nothing else in node_modules/ is reachable.
ASSETS = {
    "react.js": _MODULES / "react" / "umd" / "react.production.min.js",
    "react-dom.js": _MODULES / "react-dom" / "umd" / "react-dom.production.min.js",
    "graphiql.js": _MODULES / "graphiql" / "graphiql.min.js",
    "graphiql.css": _MODULES / "graphiql" / "graphiql.min.css",
    "explorer.js": _MODULES / "@graphiql" / "plugin-explorer" / "dist" / "index.umd.js",
    "explorer.css": _MODULES / "@graphiql" / "plugin-explorer" / "dist" / "style.css",
    "start.js": STATIC_DIR / "start.js",
    "page.css": STATIC_DIR / "page.css",
}
_MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css"}

# GraphiQL's editors inline no script; images and fonts it draws are data: URLs of its stylesheet.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>portalql · GraphiQL</title>
    <link rel="stylesheet" href="{assets}/graphiql.css">
    <link rel="stylesheet" href="{assets}/explorer.css">
    <link rel="stylesheet" href="{assets}/page.css">
  </head>
  <body>
    <div id="graphiql">Loading…</div>
    <script src="{assets}/react.js"></script>
    <script src="{assets}/react-dom.js"></script>
    <script src="{assets}/graphiql.js"></script>
    <script src="{assets}/explorer.js"></script>
    <script src="{assets}/start.js"></script>
  </body>
</html>
"""
_NOT_INSTALLED = """<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>portalql · GraphiQL</title></head>
  <body>
    <p>GraphiQL's assets are not installed: <code>./dev serve</code> installs them with npm
    (<code>apt-get install nodejs npm</code>). The API itself runs without them.</p>
  </body>
</html>
"""


def installed() -> bool:
    return all(path.is_file() for path in ASSETS.values())


def graphiql_page() -> HTMLResponse:
    """The page, or a page saying how to install its assets."""
    html = _PAGE.format(assets=ASSETS_PATH) if installed() else _NOT_INSTALLED
    # Never cached: a page that said "not installed" must not outlive the installation.
    return HTMLResponse(html, headers={**_HEADERS, "Cache-Control": "no-store"})


def graphiql_assets_router() -> APIRouter:
    router = APIRouter()

    @router.get(ASSETS_PATH + "/{name}")
    async def asset(name: str) -> Response:
        path = ASSETS.get(name)
        if path is None or not path.is_file():
            return PlainTextResponse("Not found.", status_code=404)
        # Names carry no version, so browsers revalidate with the ETag (cheap: a 304).
        return FileResponse(
            path, media_type=_MEDIA_TYPES[path.suffix], headers={**_HEADERS, "Cache-Control": "no-cache"}
        )

    return router
