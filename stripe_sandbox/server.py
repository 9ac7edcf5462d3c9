"""Building, seeding and serving a sandbox: `portalql sandbox` and the test fixtures start it from here."""

from __future__ import annotations

from typing import TYPE_CHECKING

import uvicorn

from stripe_sandbox import admin, seed
from stripe_sandbox.app import Sandbox, SeedName, create_app
from stripe_sandbox.store import Clock, Store

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["KEEP_ALIVE_SECONDS", "SeedName", "build", "build_app", "run"]


# Idle connections stay open longer than clients keep them (httpx drops its idle ones after 5 s), as Stripe's
# servers do: with equal timeouts a client can reuse a connection in the instant the server closes it.
KEEP_ALIVE_SECONDS = 75


def build(
    seed_name: SeedName = "demo",
    *,
    latency_ms: int = 0,
    frozen_at: int | None = None,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    portal_base_url: str | None = None,
) -> Sandbox:
    """A fresh sandbox loaded with a seed; `frozen_at` stops its clock at that instant (tests). Webhooks go
    to `webhook_url` for every event after seeding; session URLs start with `portal_base_url` when set."""
    sandbox = Sandbox(
        store=Store(clock=Clock(frozen_at=frozen_at)), latency_ms=latency_ms, portal_base_url=portal_base_url
    )
    seed.load(sandbox.store, seed_name)
    if webhook_url is not None:
        if not webhook_secret:
            raise ValueError("a webhook endpoint needs its signing secret (whsec_...)")
        sandbox.set_webhook_endpoint(webhook_url, webhook_secret)
    return sandbox


def build_app(sandbox: Sandbox) -> Starlette:
    return create_app(sandbox, admin.routes())


def run(
    *,
    host: str = "127.0.0.1",
    port: int = 12111,
    seed: SeedName = "demo",
    latency_ms: int = 0,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    portal_base_url: str | None = None,
) -> None:
    """Serve a sandbox until interrupted, like stripe-mock on 12111."""
    sandbox = build(
        seed,
        latency_ms=latency_ms,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        portal_base_url=portal_base_url,
    )
    uvicorn.run(
        build_app(sandbox), host=host, port=port, log_level="warning", timeout_keep_alive=KEEP_ALIVE_SECONDS
    )
