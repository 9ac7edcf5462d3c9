"""`portalql serve` as a newcomer runs it: a real process, its printed credentials, a query, Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from portalql.cli.demo import DASHBOARD_QUERY, mint_demo_credentials
from portalql.persistence.db import Database

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

PORTALQL = Path(sys.executable).with_name("portalql")
STARTUP_SECONDS = 60.0
STOP_SECONDS = 20.0
# Settings the developer's own shell might carry; each test states the ones it wants.
_SETTINGS_VARIABLES = re.compile(r"(PORTALQL_.*|STRIPE_.*|DATABASE_URL|REDIS_URL)")


class Served:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []

    async def read_until(self, pattern: str) -> re.Match[str]:
        """Read stdout until a line matches, within the startup deadline."""
        async with asyncio.timeout(STARTUP_SECONDS):
            while True:
                assert self.process.stdout is not None
                raw = await self.process.stdout.readline()
                if not raw:
                    raise AssertionError("portalql serve exited early:\n" + "".join(self.lines))
                self.lines.append(raw.decode())
                if found := re.search(pattern, self.lines[-1]):
                    return found

    async def interrupt(self) -> int:
        """Ctrl-C, as a newcomer stops it; returns the exit status."""
        self.process.send_signal(signal.SIGINT)
        async with asyncio.timeout(STOP_SECONDS):
            remaining, _ = await self.process.communicate()
        self.lines.extend(remaining.decode().splitlines(keepends=True))
        assert self.process.returncode is not None
        return self.process.returncode


@asynccontextmanager
async def serve(cwd: Path, **environment: str) -> AsyncIterator[Served]:
    env = {name: value for name, value in os.environ.items() if not _SETTINGS_VARIABLES.fullmatch(name)}
    process = await asyncio.create_subprocess_exec(
        *(str(PORTALQL), "serve", "--port", "0"),
        cwd=cwd,
        env={**env, **environment},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        yield Served(process)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port someone else is listening on."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield listener.getsockname()[1]


async def test_serve_prints_working_demo_credentials_and_stops_on_ctrl_c(
    tmp_path: Path, busy_port: int
) -> None:
    # The sandbox's preferred port is taken: serve falls back to a free one and says so.
    async with serve(tmp_path, PORTALQL_SANDBOX_PORT=str(busy_port)) as served:
        fallback = await served.read_until(
            rf"Port {busy_port} is busy; the Stripe sandbox uses port (\d+) instead"
        )
        api_key = (await served.read_until(r"^API key \(server to server, any customer\): (pq_test_\w+)$"))[1]
        session = (await served.read_until(r"^Customer session \(demo customer cus_\w+, .*\): (pqs_\w+)$"))[1]
        graphiql = (await served.read_until(r"^GraphiQL: (http://127\.0\.0\.1:\d+/graphql)$"))[1]
        portal_link = (await served.read_until(r"^Hosted billing portal .*: (http://\S+/portal/s/\S+)$"))[1]
        past_due_link = (
            await served.read_until(
                r"^Hosted billing portal for a customer whose card .*: (http://\S+/portal/s/\S+)$"
            )
        )[1]
        overdue_link = (
            await served.read_until(
                r"^Hosted billing portal for a customer whose one-off invoice is overdue .*: (http://\S+/portal/s/\S+)$"
            )
        )[1]
        seats_link = (
            await served.read_until(
                r"^Hosted billing portal for a customer with a plan and five seats .*: (http://\S+/portal/s/\S+)$"
            )
        )[1]
        external_id = (await served.read_until(r"^The demo customer's own id in the product: (\S+) "))[1]
        card_link = (
            await served.read_until(r"^Hosted billing portal opened on adding a card.*: (http://\S+)$")
        )[1]
        by_id = json.loads((await served.read_until(r"^  curl .* -d '(\{\"documentId\".*\})'$"))[1])
        await served.read_until(r"^Press Ctrl\+C to stop\.$")

        async with httpx.AsyncClient(timeout=30.0) as client:
            dashboard = await client.post(
                graphiql, json={"query": DASHBOARD_QUERY}, headers={"Authorization": f"Bearer {session}"}
            )
            dashboard_by_id = await client.post(
                graphiql, json=by_id, headers={"Authorization": f"Bearer {session}"}
            )
            customers = await client.post(
                graphiql,
                json={"query": "{ customers(first: 50) { edges { node { email } } } }"},
                headers={"Authorization": f"Bearer {api_key}"},
            )
            by_external_id = await client.post(
                graphiql,
                json={"query": f'{{ customer(externalId: "{external_id}") {{ name externalId }} }}'},
                headers={"Authorization": f"Bearer {api_key}"},
            )
            ready = await client.get(graphiql.replace("/graphql", "/readyz"))
            portal = await client.get(portal_link)
            portal_again = await client.get(portal_link)
            past_due_portal = await client.get(past_due_link)
            seats_portal = await client.get(seats_link)
            overdue_portal = await client.get(overdue_link)
            card_portal = await client.get(card_link)
            customer_id = dashboard.json()["data"]["viewer"]["customer"]["id"]
            await client.post(
                graphiql,
                json={"query": MINT_SESSION, "variables": {"c": customer_id}},
                headers={"Authorization": f"Bearer {api_key}"},
            )
            returned = await _demo_product_page(client, graphiql.replace("/graphql", "/demo/returned"))
            sandbox = await client.get(
                f"http://127.0.0.1:{fallback[1]}/v1/prices",
                headers={"Authorization": "Bearer sk_test_sandbox"},
            )

        status = await served.interrupt()

    assert status == 0
    customer = dashboard.json()["data"]["viewer"]["customer"]
    assert (customer["name"], customer["email"]) == ("Maya Chen", "maya.chen@example.com")
    [subscription] = customer["subscriptions"]
    assert subscription["items"][0]["price"]["product"]["name"] == "Pro"
    assert subscription["items"][0]["price"]["unitAmount"]["formatted"] == "$30.00"
    assert len(customer["invoices"]["edges"]) == 10
    assert {pm["card"]["last4"] for pm in customer["paymentMethods"]} == {"4242", "4444"}
    assert len(customers.json()["data"]["customers"]["edges"]) == 13
    assert by_external_id.json()["data"]["customer"] == {"name": "Maya Chen", "externalId": external_id}
    assert dashboard_by_id.json() == dashboard.json()
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "stripe": "ok"}}
    assert sandbox.status_code == 200
    assert portal.status_code == 303
    assert portal.headers["location"].startswith("/portal")
    assert "portalql_session" in portal.cookies
    assert (past_due_portal.status_code, past_due_link != portal_link) == (303, True)
    assert (seats_portal.status_code, seats_link not in {portal_link, past_due_link}) == (303, True)
    assert (overdue_portal.status_code, overdue_link not in {portal_link, past_due_link, seats_link}) == (
        303,
        True,
    )
    assert portal_again.status_code == 410  # the link works once
    assert (card_portal.status_code, card_portal.headers["location"]) == (
        303,
        "/portal?flow=payment_method_update",
    )
    assert "You are back in the product" in returned.text
    # The demo registers its product's event endpoint: the session minted above reached it, signed.
    assert "<code>customer_session.create</code>" in returned.text
    assert customer["shipping"]["address"]["line1"] == "1 Ferry Building"
    assert customer["taxIds"] == [
        {"type": "US_EIN", "value": "12-3456789", "verificationStatus": "UNAVAILABLE"}
    ]
    assert (tmp_path / "portalql.db").exists()
    assert f"curl -s {graphiql}" in "".join(served.lines)


async def test_serve_with_a_stripe_key_prints_only_the_url_and_retires_demo_keys(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'portalql.db'}")
    try:
        await database.migrate()
        earlier_demo = await mint_demo_credentials(
            database, customer_id="cus_demo", return_url="http://127.0.0.1/graphql"
        )
    finally:
        await database.dispose()

    # Nothing answers on this Stripe address: serving and authenticating must not need Stripe.
    async with serve(
        tmp_path, STRIPE_API_KEY="sk_test_portalql_serve", STRIPE_API_BASE="http://127.0.0.1:9"
    ) as served:
        graphiql = (await served.read_until(r"^GraphiQL: (http://127\.0\.0\.1:\d+/graphql)$"))[1]
        async with httpx.AsyncClient(timeout=30.0) as client:
            old_key = await client.post(
                graphiql,
                json={"query": "{ viewer { kind } }"},
                headers={"Authorization": f"Bearer {earlier_demo.api_key}"},
            )
        status = await served.interrupt()

    assert status == 0
    assert served.lines[0] == f"GraphiQL: {graphiql}\n"
    assert not re.search(r"pq_test_|pqs_", "".join(served.lines))
    assert old_key.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_serving_a_stripe_account_loads_no_sandbox_code(tmp_path: Path) -> None:
    # A fresh interpreter: this one has long imported the sandbox for other tests.
    program = (
        "import sys\n"
        "from portalql.cli import main, serve\n"
        "from portalql.web.app import create_app\n"
        "from portalql.settings import Settings\n"
        "create_app(Settings(stripe_api_key='sk_test_x'))\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'stripe_sandbox'))\n"
    )
    env = {name: value for name, value in os.environ.items() if not _SETTINGS_VARIABLES.fullmatch(name)}
    finished = subprocess.run(  # noqa: S603 - this interpreter, a fixed program
        [sys.executable, "-c", program], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    assert finished.stdout == "[]\n"


MINT_SESSION = "mutation($c: ID!) { createCustomerSession(input: {customerId: $c}) { userErrors { code } } }"


async def _demo_product_page(client: httpx.AsyncClient, url: str) -> httpx.Response:
    """The demo product's page once it lists an event: deliveries go out within about a second."""
    for _ in range(100):
        page = await client.get(url)
        if "<code>customer_session.create</code>" in page.text:
            break
        await asyncio.sleep(0.1)
    return page
