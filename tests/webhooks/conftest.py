"""The app with webhooks enabled, over the read cache, and ways to deliver events to it.

`client` drives the app in-process (a delivery's processing has finished when `deliver` returns, since
ASGITransport waits for the background task); `served` runs it on a loopback port so that the sandbox
itself can deliver its events, as Stripe would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pytest
import uvicorn
from pydantic import SecretStr
from sqlalchemy import select
from typing_extensions import override

from portalql.persistence.models import AuditEvent, WebhookEvent
from portalql.web.app import create_app
from stripe_gateway.caching import CachedGateway, MemoryStore
from stripe_sandbox.webhooks import signature_header
from tests.fixtures.app import app_settings, client_for

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator, Mapping

    import httpx
    from fastapi import FastAPI

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.sandbox import SandboxHandle

WEBHOOK_SECRET = "whsec_portalql_tests"
# Bounds a failing test only: a processed event is seen within milliseconds.
_PROCESSING_SECONDS = 10.0


@pytest.fixture
async def cache_store() -> AsyncIterator[MemoryStore]:
    store = MemoryStore()
    yield store
    await store.close()


@pytest.fixture
def cached_gateway(gateway: StripeGateway, cache_store: MemoryStore) -> CachedGateway:
    return CachedGateway(gateway, cache_store)


@pytest.fixture
def webhook_app(cached_gateway: CachedGateway, database: Database) -> FastAPI:
    settings = app_settings(stripe_webhook_secret=SecretStr(WEBHOOK_SECRET))
    return create_app(settings, gateway=cached_gateway, database=database)


@pytest.fixture
async def client(webhook_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(webhook_app) as http:
        yield http


def stripe_event(
    event_type: str,
    obj: Mapping[str, Any],
    *,
    created: int,
    event_id: str = "evt_test_1",
    previous_attributes: Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """An event as Stripe sends it, about `obj` (a sandbox object as stored, i.e. Stripe's JSON)."""
    data: dict[str, Any] = {"object": dict(obj)}
    if previous_attributes is not None:
        data["previous_attributes"] = dict(previous_attributes)
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": created,
        "data": data,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": idempotency_key},
        "type": event_type,
    }


async def deliver(
    http: httpx.AsyncClient,
    event: Mapping[str, Any],
    *,
    secret: str = WEBHOOK_SECRET,
    signed_at: int | None = None,
) -> httpx.Response:
    """POST `event` to the webhook endpoint, signed as Stripe signs (at `signed_at`, default now)."""
    payload = json.dumps(event)
    timestamp = int(time.time()) if signed_at is None else signed_at
    return await http.post(
        "/webhooks/stripe",
        content=payload,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": signature_header(payload, secret, timestamp),
        },
    )


async def inbox(database: Database) -> list[WebhookEvent]:
    async with database.session() as db:
        return list(await db.scalars(select(WebhookEvent).order_by(WebhookEvent.id)))


async def audit_trail(database: Database) -> list[AuditEvent]:
    async with database.session() as db:
        return list(await db.scalars(select(AuditEvent).order_by(AuditEvent.id)))


async def processed(database: Database, event_ids: set[str]) -> None:
    """Wait until the inbox holds every one of `event_ids`, processed."""
    async with asyncio.timeout(_PROCESSING_SECONDS):
        while True:
            done = {row.stripe_event_id for row in await inbox(database) if row.processed_at is not None}
            if event_ids <= done:
                return
            await asyncio.sleep(0.01)


@dataclass
class Served:
    """The app on a loopback port, with the sandbox delivering its events to it."""

    url: str
    sandbox: SandboxHandle
    database: Database

    async def deliveries(self) -> set[str]:
        """Wait until the sandbox delivered every event so far and the app processed them; their ids."""
        # The admin client blocks, and the deliveries need this loop to be answered.
        outcomes = await asyncio.to_thread(self.sandbox.drain_webhooks)
        assert all(outcome["succeeded"] for outcome in outcomes), outcomes
        delivered = {outcome["event_id"] for outcome in outcomes}
        handled = {row.stripe_event_id for row in await inbox(self.database)} & delivered
        await processed(self.database, handled)
        return delivered


class _Server(uvicorn.Server):
    @override
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the test runner owns the signals


@contextlib.asynccontextmanager
async def serving(app: FastAPI, *, lifespan: Literal["on", "off"] = "off") -> AsyncIterator[str]:
    """`app` on a loopback port in this event loop; its address (`127.0.0.1:<port>`)."""
    listener = socket.create_server(("127.0.0.1", 0))
    server = _Server(uvicorn.Config(app, lifespan=lifespan, log_level="warning", access_log=False))
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        async with asyncio.timeout(_PROCESSING_SECONDS):
            while not server.started:  # noqa: ASYNC110 - uvicorn tells of its startup only by this flag
                await asyncio.sleep(0.01)
        yield f"127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        listener.close()


@pytest.fixture
async def served(webhook_app: FastAPI, sandbox: SandboxHandle, database: Database) -> AsyncIterator[Served]:
    async with serving(webhook_app) as address:
        url = f"http://{address}"
        await asyncio.to_thread(sandbox.set_webhook_endpoint, f"{url}/webhooks/stripe", WEBHOOK_SECRET)
        yield Served(url=url, sandbox=sandbox, database=database)
