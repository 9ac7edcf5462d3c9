"""Liveness and readiness probes for orchestrators and load balancers.

Redis is reported when configured but does not make an instance unready: without it the instance serves from
its own cache and paces on its own share (`degraded`). A Stripe check refused by portalql's own pacer says
the account's budget is spent (`busy`), not that Stripe is down, and taking this instance out would not help.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from stripe_gateway.errors import GatewayError, Throttled
from stripe_gateway.pacing import Deadline, current_deadline

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
        database_ok, stripe, redis = await asyncio.gather(
            _database_ready(runtime), _stripe_state(runtime), _redis_state(runtime)
        )
        checks = {"database": "ok" if database_ok else "unavailable", "stripe": stripe}
        if redis is not None:
            checks["redis"] = redis
        ready = database_ok and stripe != "unavailable"
        status = "unavailable" if not ready else "degraded" if redis == "unavailable" else "ready"
        return JSONResponse(
            {"status": status, "checks": checks}, status_code=200 if ready else 503, headers=_NO_STORE
        )

    return router


async def _database_ready(runtime: Runtime) -> bool:
    return runtime.started and await runtime.services.database.ping(timeout_seconds=_CHECK_TIMEOUT_SECONDS)


async def _stripe_state(runtime: Runtime) -> str:
    if not runtime.started:
        return "unavailable"
    # The probe waits in the pacer no longer than it may take in all.
    current_deadline.set(Deadline(asyncio.get_running_loop().time() + _CHECK_TIMEOUT_SECONDS))
    try:
        async with asyncio.timeout(_CHECK_TIMEOUT_SECONDS):
            await runtime.services.gateway.ping()
    except Throttled:
        return "busy"
    except (GatewayError, TimeoutError):
        return "unavailable"
    return "ok"


async def _redis_state(runtime: Runtime) -> str | None:
    """None when Redis is not configured."""
    if runtime.settings.redis_url is None or not runtime.started:
        return None
    try:
        async with asyncio.timeout(_CHECK_TIMEOUT_SECONDS):
            ready = await runtime.services.gateway.cache_ready()
    except TimeoutError:
        ready = False
    return "ok" if ready else "unavailable"
