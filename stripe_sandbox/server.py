"""Building, seeding and serving a sandbox: `portalql sandbox` and the test fixtures start it from here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import uvicorn

from stripe_sandbox import admin, seed
from stripe_sandbox.app import Sandbox, create_app
from stripe_sandbox.store import Clock, Store

if TYPE_CHECKING:
    from starlette.applications import Starlette

SeedName = Literal["demo", "empty"]


def build(seed_name: SeedName = "demo", *, latency_ms: int = 0, frozen_at: int | None = None) -> Sandbox:
    """A fresh sandbox loaded with a seed; `frozen_at` stops its clock at that instant (tests)."""
    sandbox = Sandbox(store=Store(clock=Clock(frozen_at=frozen_at)), latency_ms=latency_ms)
    seed.load(sandbox.store, seed_name)
    return sandbox


def build_app(sandbox: Sandbox) -> Starlette:
    return create_app(sandbox, admin.routes())


def run(*, host: str = "127.0.0.1", port: int = 12111, seed: SeedName = "demo", latency_ms: int = 0) -> None:
    """Serve a sandbox until interrupted, like stripe-mock on 12111."""
    app = build_app(build(seed, latency_ms=latency_ms))
    uvicorn.run(app, host=host, port=port, log_level="warning")
