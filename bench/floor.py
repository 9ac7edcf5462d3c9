"""The floor: a hand-written endpoint that serves the dashboard's JSON from an in-process cache.

It answers each request with the very data portalql answered the benchmark's dashboard with, kept in a dict
by customer and encoded with orjson per request, as a cache of decoded objects would: no authentication, no
GraphQL, no Stripe. Nothing serving that JSON from memory over FastAPI can cost less, so portalql's warm
dashboard is reported as a fraction of this endpoint's throughput. Bench-only: it is no part of the product.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from fastapi import FastAPI, Response

if TYPE_CHECKING:
    from pathlib import Path


def create_app(*, dashboards: Path) -> FastAPI:
    """`dashboards` holds `{customer_id: response}`, what portalql answered for each customer."""
    cache: dict[str, Any] = orjson.loads(dashboards.read_bytes())
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/customers/{customer_id}/dashboard")
    async def dashboard(customer_id: str) -> Response:
        cached = cache.get(customer_id)
        if cached is None:
            return Response(status_code=404)
        return Response(orjson.dumps(cached), media_type="application/json")

    return app
