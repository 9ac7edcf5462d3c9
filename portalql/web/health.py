"""Liveness and readiness probes for orchestrators and load balancers.

Redis is reported when configured but does not make an instance unready: without it the instance serves from
its own cache and paces on its own share (`degraded`). A Stripe check refused by portalql's own pacer says
the account's budget is spent (`busy`), not that Stripe is down, and taking this instance out would not help.

Stripe's answer is kept for a few seconds and shared by concurrent probes, and a probe takes a Stripe call
only when the pacer has one free at once: a flood of unauthenticated probes costs at most one call per
`STRIPE_CHECK_SECONDS` and never makes a customer's request wait.
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
STRIPE_CHECK_SECONDS = 5.0
# How soon the pacer must have a call free for the probe: it never queues behind customers' calls.
_PROBE_WAITS_AT_MOST_SECONDS = 0.05


class _StripeCheck:
    """Stripe's readiness, asked at most once per `STRIPE_CHECK_SECONDS` however many probes come."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._answer: tuple[float, str] | None = None
        self._asking: asyncio.Task[str] | None = None

    async def state(self) -> str:
        now = asyncio.get_running_loop().time()
        if self._answer is not None and now - self._answer[0] < STRIPE_CHECK_SECONDS:
            return self._answer[1]
        if self._asking is None:
            self._asking = asyncio.create_task(self._ask())
            self._asking.add_done_callback(self._asked)
        return await asyncio.shield(self._asking)

    def _asked(self, task: asyncio.Task[str]) -> None:
        self._asking = None
        if not task.cancelled() and task.exception() is None:
            self._answer = (asyncio.get_running_loop().time(), task.result())

    async def _ask(self) -> str:
        runtime = self._runtime
        if not runtime.started:
            return "unavailable"
        now = asyncio.get_running_loop().time()
        current_deadline.set(Deadline(now + _PROBE_WAITS_AT_MOST_SECONDS))
        try:
            async with asyncio.timeout(_CHECK_TIMEOUT_SECONDS):
                await runtime.services.gateway.ping()
        except Throttled:
            return "busy"
        except (GatewayError, TimeoutError):
            return "unavailable"
        return "ok"


def health_router(runtime: Runtime) -> APIRouter:
    router = APIRouter()
    stripe_check = _StripeCheck(runtime)

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        """The process is up and serving HTTP; says nothing about its dependencies."""
        return JSONResponse({"status": "ok"}, headers=_NO_STORE)

    @router.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        """Ready when both the database and Stripe answer; 503 naming the ones that do not."""
        database_ok, stripe, redis = await asyncio.gather(
            _database_ready(runtime), stripe_check.state(), _redis_state(runtime)
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
