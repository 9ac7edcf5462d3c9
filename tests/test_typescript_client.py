"""The TypeScript client as an SPA developer meets it: the README's example, compiled by `./dev test`, run by
Node.js against a served portalql on the sandbox that holds customer sessions to trusted documents. With the
client's manifest loaded it runs (so it sent its documents by id); without it, it is refused with the code.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from datetime import timedelta
from typing import TYPE_CHECKING

import httpx
import pytest

from portalql.cli.documents import load, read_manifest
from portalql.persistence.db import Database
from portalql.persistence.repositories.api_keys import create_api_key
from portalql.persistence.repositories.sessions import create_customer_session
from resolvers.principals import Scope
from stripe_sandbox.seed import demo_customer
from tests.api.test_live_updates import watchers, watching
from tests.browser.fixtures import serve_app
from tests.fixtures.app import graphql
from tests.fixtures.schema_sdl import ROOT

if TYPE_CHECKING:
    from pathlib import Path

    from tests.browser.fixtures import PortalServer
    from tests.fixtures.sandbox import SandboxHandle

CLIENT = ROOT / "clients" / "typescript"
EXAMPLE_SOURCE = CLIENT / "examples" / "dashboard.ts"
EXAMPLE = CLIENT / "dist" / "examples" / "dashboard.js"
LIVE_EXAMPLE = CLIENT / "dist" / "examples" / "live.js"
RENAME = """
mutation Rename($id: ID!, $name: String!) {
  updateCustomer(input: {customerId: $id, name: $name}) { userErrors { code } }
}
"""
MANIFEST = CLIENT / "src" / "gql" / "persisted-documents.json"
_RUN_SECONDS = 60


def _node() -> str:
    node = shutil.which("node")
    if node is None or not EXAMPLE.is_file():
        reason = "needs Node.js and the client built by ./dev test (npm ci and tsc in clients/typescript)"
        if os.environ.get("CI", "").lower() in {"true", "1"}:
            pytest.fail(f"{reason}; CI installs npm and runs ./dev test")
        pytest.skip(reason)
    return node


async def _session(server: PortalServer, *, load_manifest: bool, customer_id: str) -> str:
    """A customer session's token on the served API, with the client's manifest loaded when asked."""
    database = Database(server.database_url)
    try:
        async with database.session() as db:
            if load_manifest:
                await load(db, read_manifest(MANIFEST))
            session = await create_customer_session(
                db, customer_id=customer_id, ttl=timedelta(minutes=5), scopes=frozenset(Scope)
            )
    finally:
        await database.dispose()
    return session.token


async def _start(node: str, example: Path, server: PortalServer, token: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        node,
        # Node.js 20's WebSocket, built in from 22 on.
        "--experimental-websocket",
        str(example),
        env={**os.environ, "PORTALQL_URL": f"{server.url}/graphql", "PORTALQL_TOKEN": token},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _ended(process: asyncio.subprocess.Process) -> tuple[int, str, str]:
    async with asyncio.timeout(_RUN_SECONDS):
        stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def _run_example(
    node: str, server: PortalServer, *, load_manifest: bool, customer_id: str
) -> tuple[int, str, str]:
    token = await _session(server, load_manifest=load_manifest, customer_id=customer_id)
    return await _ended(await _start(node, EXAMPLE, server, token))


async def test_the_readme_example_runs_by_trusted_ids_against_a_served_api(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    node = _node()
    customer_id = demo_customer(sandbox.state.store)["id"]
    with serve_app(sandbox, tmp_path, session_documents="trusted") as server:
        code, stdout, stderr = await _run_example(node, server, load_manifest=True, customer_id=customer_id)

    assert code == 0, stderr
    assert stdout.splitlines() == [
        "Maya Chen: 1 subscription(s)",
        "  ACTIVE Pro at $30.00",
        "  switching to Starter costs $0.00 now",
        "cards: visa 4242, mastercard 4444",
    ]


async def test_the_example_is_refused_where_its_documents_are_not_trusted(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    node = _node()
    customer_id = demo_customer(sandbox.state.store)["id"]
    with serve_app(sandbox, tmp_path, session_documents="trusted") as server:
        code, _stdout, stderr = await _run_example(node, server, load_manifest=False, customer_id=customer_id)

    assert code != 0
    # The id was unknown, so the client sent the text, which a customer session may not run here.
    assert "PERSISTED_QUERY_NOT_IN_LIST" in stderr


async def test_the_live_example_hears_a_change_the_product_makes(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    node = _node()
    customer_id = demo_customer(sandbox.state.store)["id"]
    with serve_app(sandbox, tmp_path, session_documents="trusted") as server:
        token = await _session(server, load_manifest=True, customer_id=customer_id)
        before = watchers()
        process = await _start(node, LIVE_EXAMPLE, server, token)
        await watching(before + 1)
        key = await _api_key(server)
        async with httpx.AsyncClient(base_url=server.url) as http:
            body = await graphql(http, RENAME, {"id": customer_id, "name": "Maya Chen-Ortiz"}, token=key)
        code, stdout, stderr = await _ended(process)

    assert body["data"]["updateCustomer"]["userErrors"] == []
    assert code == 0, stderr
    assert stdout.splitlines() == [f"{customer_id} changed: DETAILS"]


async def _api_key(server: PortalServer) -> str:
    database = Database(server.database_url)
    try:
        async with database.session() as db:
            return (await create_api_key(db, name="the product", livemode=False)).token
    finally:
        await database.dispose()


def test_the_readme_shows_the_example_as_it_is_run() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"```ts\n(.*?)```", readme, flags=re.DOTALL)

    assert shown is not None
    assert shown[1] in EXAMPLE_SOURCE.read_text(encoding="utf-8")
