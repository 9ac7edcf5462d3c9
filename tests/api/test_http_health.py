"""`/healthz` (the process is up) and `/readyz` (the database and Stripe answer), over HTTP."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from portalql.persistence.db import Database
from portalql.web.app import create_app
from stripe_sandbox.seed import demo_customer
from tests.fixtures.app import app_settings, client_for
from tests.fixtures.database import sqlite_threads_joined

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from pathlib import Path

    import httpx

    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.sandbox import SandboxHandle


async def test_healthz_answers_while_the_process_is_up(api: httpx.AsyncClient) -> None:
    response = await api.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"


async def test_readyz_is_ready_when_the_database_and_stripe_answer(
    api: httpx.AsyncClient, sandbox: SandboxHandle
) -> None:
    response = await api.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "stripe": "ok"}}
    assert sandbox.calls() == {"GET /v1/customers": 1}


async def test_readyz_names_the_database_when_it_cannot_be_reached(
    gateway: StripeGateway, tmp_path: Path
) -> None:
    # SQLite cannot open a directory as its database file: every connection attempt fails.
    unreachable = Database(f"sqlite+aiosqlite:///{tmp_path}")
    async with sqlite_threads_joined():
        try:
            async with client_for(
                create_app(app_settings(), gateway=gateway, database=unreachable)
            ) as client:
                response = await client.get("/readyz")
        finally:
            await unreachable.dispose()

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "unavailable", "stripe": "ok"}}


async def test_readyz_names_stripe_when_it_fails(
    connect_gateway: Callable[..., Awaitable[StripeGateway]], database: Database, sandbox: SandboxHandle
) -> None:
    gateway = await connect_gateway(max_network_retries=0)
    sandbox.add_fault("error", path="GET /v1/customers")

    async with client_for(create_app(app_settings(), gateway=gateway, database=database)) as client:
        response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "stripe": "unavailable"}}


async def test_a_flood_of_readiness_probes_asks_stripe_once(
    api: httpx.AsyncClient, sandbox: SandboxHandle
) -> None:
    answers = await asyncio.gather(*(api.get("/readyz") for _ in range(20)))
    again = await api.get("/readyz")

    assert {answer.json()["checks"]["stripe"] for answer in [*answers, again]} == {"ok"}
    assert sandbox.calls() == {"GET /v1/customers": 1}


async def test_a_readiness_probe_never_waits_for_a_stripe_call_behind_customers(
    connect_gateway: Callable[..., Awaitable[StripeGateway]], database: Database, sandbox: SandboxHandle
) -> None:
    gateway = await connect_gateway(requests_per_second=1.0)
    await gateway.retrieve_customer(demo_customer(sandbox.state.store)["id"])  # the next call is 1 s away
    sandbox.reset_calls()

    async with client_for(create_app(app_settings(), gateway=gateway, database=database)) as client:
        response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["stripe"] == "busy"
    assert sandbox.calls() == {}
