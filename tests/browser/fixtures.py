"""The hosted portal in a real browser: the API served over loopback HTTP, and Debian's Chromium.

`portal_server` serves the whole app (as `portalql serve` builds it: its own database, migrated in the
lifespan, and a gateway on the sandbox) from a uvicorn thread on a free port, so the browser reaches it
exactly as a customer would. `portal_links` mints API keys and one-time portal links through the public
`createPortalSession` mutation. `browser` is Chromium driven by Playwright through `executable_path`:
never a downloaded browser. It lives for the whole session, so the browser tests and these fixtures run
in the session's event loop (`pytestmark = BROWSER_LOOP` in each test module). Without `/usr/bin/chromium`
the browser tests skip, except in CI where the browser is installed by `.ci/run` and its absence is a
failure.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
from playwright.async_api import ViewportSize, async_playwright, expect
from pydantic import SecretStr
from sqlalchemy import update

from portalql.persistence.db import Database
from portalql.persistence.models import CustomerSession, PortalLink, utcnow
from portalql.persistence.repositories.api_keys import create_api_key
from portalql.settings import Settings
from portalql.web.app import create_app
from tests.fixtures.app import SANDBOX_PUBLISHABLE_KEY
from tests.fixtures.sandbox import SANDBOX_API_KEY

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from playwright.async_api import Browser, Page

    from tests.fixtures.sandbox import SandboxHandle

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_LOOP = pytest.mark.asyncio(loop_scope="session")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "portal"
DESKTOP = ViewportSize(width=1280, height=900)
PHONE = ViewportSize(width=390, height=844)
# Generous for a loaded CI machine; a passing step takes milliseconds. Assertions wait as long as actions:
# `expect` has its own 5 s default, which a cold page load on a busy 2-core machine has exceeded.
STEP_TIMEOUT_MS = 15_000
expect.set_options(timeout=STEP_TIMEOUT_MS)
_STARTUP_SECONDS = 15.0
# Console errors that report the server's answer rather than the page's fault (see `page`).
_SERVER_ANSWERS = re.compile(r"Failed to load resource|WebSocket connection to '[^']*/portal/graphql' failed")
# The signing secret the portal server checks Stripe's events with, for tests that let the sandbox send them.
WEBHOOK_SECRET = "whsec_browser_tests"

CREATE_PORTAL_SESSION = """
mutation ($input: CreatePortalSessionInput!) {
  createPortalSession(input: $input) {
    portalSession { url expiresAt }
    userErrors { code message field }
  }
}
"""


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"true", "1"}


@dataclass
class PortalServer:
    """The app on a loopback port; `database` opens the same SQLite file from the test's event loop."""

    url: str
    database_url: str


@pytest.fixture
def portal_settings() -> dict[str, Any]:
    """Settings a test module adds to the server's (overridden where a module needs, e.g., SMTP)."""
    return {}


@pytest.fixture
def portal_server(
    sandbox: SandboxHandle, tmp_path: Path, portal_settings: dict[str, Any]
) -> Iterator[PortalServer]:
    with serve_app(sandbox, tmp_path, **portal_settings) as server:
        yield server


@contextmanager
def serve_app(sandbox: SandboxHandle, tmp_path: Path, **overrides: Any) -> Iterator[PortalServer]:
    """The app on a loopback port, on the sandbox, with its own SQLite database; `overrides` are settings."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'portalql.db'}"
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        stripe_api_key=SecretStr(SANDBOX_API_KEY),
        stripe_api_base=sandbox.url,
        stripe_publishable_key=SANDBOX_PUBLISHABLE_KEY,
        stripe_webhook_secret=SecretStr(WEBHOOK_SECRET),
        stripe_requests_per_second=1000,
        public_url=url,
        # Tests expire sessions by editing the database, as another instance would; the server must see it
        # on the next request rather than trust the session for `auth_cache_seconds` more.
        auth_cache_seconds=0,
        **overrides,
    )
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings),
            log_level="warning",
            access_log=False,
            lifespan="on",
            ws_max_size=settings.graphql_max_body_bytes,
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="portal", daemon=True)
    thread.start()
    deadline = time.monotonic() + _STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the portal server did not start")
        time.sleep(0.01)
    try:
        yield PortalServer(url=url, database_url=database_url)
    finally:
        server.should_exit = True
        thread.join(timeout=_STARTUP_SECONDS)
        listener.close()


class PortalLinks:
    """Portal links minted the way a product's backend mints them: an API key and `createPortalSession`."""

    def __init__(self, server: PortalServer, database: Database, client: httpx.AsyncClient) -> None:
        self._server = server
        self._database = database
        self._client = client
        self._api_key: str | None = None

    async def api_key(self) -> str:
        if self._api_key is None:
            async with self._database.session() as session:
                self._api_key = (await create_api_key(session, name="browser tests", livemode=False)).token
        return self._api_key

    async def graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await self._client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {await self.api_key()}"},
        )
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        return body

    async def create(self, customer_id: str, **options: Any) -> str:
        """A one-time link to the hosted portal (`kind: HOSTED`); `options` go into the input as given."""
        body = await self.graphql(
            CREATE_PORTAL_SESSION, {"input": {"customerId": customer_id, "kind": "HOSTED", **options}}
        )
        payload = body["data"]["createPortalSession"]
        assert payload["userErrors"] == []
        url: str = payload["portalSession"]["url"]
        assert url.startswith(f"{self._server.url}/portal/s/")
        return url

    async def expire_links(self) -> None:
        """Every link minted so far stops working, as if its lifetime had passed."""
        async with self._database.session() as session:
            await session.execute(update(PortalLink).values(expires_at=utcnow() - timedelta(seconds=1)))

    async def expire_sessions(self) -> None:
        """Every customer session opened so far expires."""
        async with self._database.session() as session:
            await session.execute(update(CustomerSession).values(expires_at=utcnow() - timedelta(seconds=1)))


@pytest_asyncio.fixture(loop_scope="session")
async def portal_links(portal_server: PortalServer) -> AsyncIterator[PortalLinks]:
    database = Database(portal_server.database_url)
    try:
        async with httpx.AsyncClient(base_url=portal_server.url, timeout=30.0) as client:
            yield PortalLinks(portal_server, database, client)
    finally:
        await database.dispose()


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; the tests that need it skip without it, or fail in CI, which installs it."""
    if not CHROMIUM.is_file():
        reason = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if _in_ci():
            pytest.fail(f"{reason}; .ci/run installs it, so the CI machine is broken")
        pytest.skip(reason)
    return CHROMIUM


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    """One browser for the session (starting it takes seconds); each test gets a fresh profile."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A desktop-sized tab in a fresh profile, in US English and UTC so dates are deterministic.

    Afterwards, the page must have logged no error: an uncaught exception or a Content-Security-Policy
    violation fails the test even when what it checked looked right.
    """
    context = await browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="UTC")
    context.set_default_timeout(STEP_TIMEOUT_MS)
    errors: list[str] = []
    tab = await context.new_page()
    tab.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    tab.on(
        "console",
        lambda message: (
            errors.append(f"console: {message.text}")
            # A 4xx page (an expired link) is logged as a failed load; that is the server's answer, not a bug.
            # So is a live-update socket the page could not open again once the test's server stopped: the
            # page tries again later, as it should.
            if message.type == "error" and not _SERVER_ANSWERS.match(message.text)
            else None
        ),
    )
    try:
        yield tab
    finally:
        await context.close()
    assert errors == [], "the page logged errors"


async def screenshot(page: Page, name: str, *, phone: bool = False) -> Path:
    """Save the page as `test-artifacts/portal/<name>.png`, at phone width with `phone`: all of it, or
    just the viewport while a dialog is open (its backdrop covers only the viewport)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    full_page = not await page.locator("dialog[open]").count()
    desktop = page.viewport_size
    if phone:
        await page.set_viewport_size(PHONE)
    await page.screenshot(path=str(path), full_page=full_page)
    if phone and desktop is not None:
        await page.set_viewport_size(desktop)
    return path
