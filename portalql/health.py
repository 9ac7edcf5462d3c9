"""Liveness and readiness probes for orchestrators and load balancers."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from stripe_gateway.errors import GatewayError

if TYPE_CHECKING:
    from portalql.runtime import Runtime

# A probe must answer before the orchestrator's own timeout, even when a dependency hangs.
_CHECK_TIMEOUT_SECONDS = 3.0
_NO_STORE = {"Cache-Control": "no-store"}


def health_router(runtime: Runtime) -> APIRouter:
    router = APIRouter()

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        """The process is up and serving HTTP; says nothing about its dependencies."""
        return JSONResponse({"status": "ok"}, headers=_NO_STORE)

    @router.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        """Ready when both the database and Stripe answer; 503 naming the ones that do not."""
        database_ok, stripe_ok = await asyncio.gather(_database_ready(runtime), _stripe_ready(runtime))
        checks = {
            "database": "ok" if database_ok else "unavailable",
            "stripe": "ok" if stripe_ok else "unavailable",
        }
        ready = database_ok and stripe_ok
        return JSONResponse(
            {"status": "ready" if ready else "unavailable", "checks": checks},
            status_code=200 if ready else 503,
            headers=_NO_STORE,
        )

    return router


async def _database_ready(runtime: Runtime) -> bool:
    return runtime.started and await runtime.services.database.ping(timeout_seconds=_CHECK_TIMEOUT_SECONDS)


async def _stripe_ready(runtime: Runtime) -> bool:
    if not runtime.started:
        return False
    try:
        async with asyncio.timeout(_CHECK_TIMEOUT_SECONDS):
            await runtime.services.gateway.ping()
    except (GatewayError, TimeoutError):
        return False
    return True
