"""A database outage answers 503 `DATABASE_UNAVAILABLE` within bounded time (not a masked 500, not a hang),
and the next request after the database returns succeeds.

PostgreSQL is reached through a proxy the test cuts (unreachable) and freezes (hung); those tests need
`PORTALQL_TEST_DATABASE_URL`. SQLite is made unreachable by pointing it at a directory.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.engine import make_url

from portalql.persistence.db import Database
from portalql.settings import normalise_database_url
from portalql.web.app import create_app
from tests.fixtures.app import Tokens, app_settings, client_for
from tests.fixtures.database import _postgres_schema, sqlite_threads_joined
from tests.fixtures.tcp_proxy import TcpProxy, proxy_to

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    import httpx

    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.sandbox import SandboxHandle

_POSTGRES_URL = os.environ.get("PORTALQL_TEST_DATABASE_URL")
_VIEWER = {"query": "{ viewer { kind } }"}
_RENAME = "mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { userErrors { code } } }"
_UPDATE = "POST /v1/customers/{id}"
# Only catches a hang: the database's timeouts below are 1 s.
_NO_HANG_SECONDS = 8.0


def _unavailable(response: httpx.Response) -> bool:
    codes = [error["extensions"]["code"] for error in response.json().get("errors", [])]
    return response.status_code == 503 and codes == ["DATABASE_UNAVAILABLE"]


@asynccontextmanager
async def _proxied_postgres() -> AsyncIterator[tuple[Database, TcpProxy, str]]:
    """A migrated PostgreSQL schema reached through a proxy, with 1 s timeouts, and an API key in it."""
    if _POSTGRES_URL is None:
        pytest.skip("PORTALQL_TEST_DATABASE_URL is not set")
    url = make_url(normalise_database_url(_POSTGRES_URL))
    async with _postgres_schema(url.render_as_string(hide_password=False)) as schema:
        search_path = {"server_settings": {"search_path": schema}}
        async with proxy_to(url.host or "127.0.0.1", url.port or 5432) as proxy:
            through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
            database = Database(
                through_proxy,
                connect_args=search_path,
                connect_timeout_seconds=1,
                statement_timeout_seconds=1,
            )
            try:
                await database.migrate()
                token = await Tokens(database).api_key()
                yield database, proxy, token
            finally:
                await database.dispose()


async def _viewer(client: httpx.AsyncClient, token: str) -> httpx.Response:
    async with asyncio.timeout(_NO_HANG_SECONDS):
        return await client.post("/graphql", json=_VIEWER, headers={"Authorization": f"Bearer {token}"})


async def test_an_unreachable_postgres_answers_503_and_the_service_recovers_at_once(
    gateway: StripeGateway,
) -> None:
    async with _proxied_postgres() as (database, proxy, token):
        app = create_app(app_settings(auth_cache_seconds=0), gateway=gateway, database=database)
        async with client_for(app) as client:
            before = await _viewer(client, token)
            proxy.cut()
            during = await _viewer(client, token)
            proxy.restore()
            after = await _viewer(client, token)

    assert before.status_code == after.status_code == 200
    assert after.json() == {"data": {"viewer": {"kind": "API_KEY"}}}
    assert _unavailable(during)


async def test_a_frozen_postgres_answers_503_within_its_timeouts(gateway: StripeGateway) -> None:
    async with _proxied_postgres() as (database, proxy, token):
        app = create_app(app_settings(auth_cache_seconds=0), gateway=gateway, database=database)
        async with client_for(app) as client:
            await _viewer(client, token)  # a pooled connection, which freezes with the proxy
            proxy.freeze()
            during = await _viewer(client, token)
            proxy.restore()
            after = await _viewer(client, token)

    assert _unavailable(during)
    assert after.status_code == 200


async def test_an_unreachable_sqlite_database_answers_503(
    gateway: StripeGateway, tokens: Tokens, tmp_path: Path
) -> None:
    token = await tokens.api_key()
    # SQLite cannot open a directory as its database file: every connection attempt fails.
    unreachable = Database(f"sqlite+aiosqlite:///{tmp_path}")
    async with sqlite_threads_joined():
        try:
            async with client_for(
                create_app(app_settings(), gateway=gateway, database=unreachable)
            ) as client:
                response = await _viewer(client, token)
        finally:
            await unreachable.dispose()

    assert _unavailable(response)
    assert str(tmp_path) not in response.text


async def test_an_outage_met_inside_graphql_execution_answers_503_too(gateway: StripeGateway) -> None:
    async with _proxied_postgres() as (database, proxy, token):
        # The credential stays trusted for a while, so the request reaches the resolvers before the database.
        app = create_app(app_settings(auth_cache_seconds=60), gateway=gateway, database=database)
        headers = {"Authorization": f"Bearer {token}"}
        query = {"query": "{ auditEvents(first: 1) { edges { cursor } } }"}
        async with client_for(app) as client:
            before = await client.post("/graphql", json=query, headers=headers)
            proxy.cut()
            async with asyncio.timeout(_NO_HANG_SECONDS):
                during = await client.post("/graphql", json=query, headers=headers)

    assert before.status_code == 200
    assert during.status_code == 503
    assert [error["extensions"]["code"] for error in during.json()["errors"]] == ["DATABASE_UNAVAILABLE"]


async def test_a_mutation_during_an_outage_answers_503_and_sends_nothing_to_stripe(
    gateway: StripeGateway, sandbox: SandboxHandle, customer_a: str
) -> None:
    rename = {"query": _RENAME, "variables": {"input": {"customerId": customer_a, "name": "Renamed"}}}
    async with _proxied_postgres() as (database, proxy, token):
        # The credential stays trusted for a while, so the mutation runs before it meets the database.
        app = create_app(app_settings(auth_cache_seconds=60), gateway=gateway, database=database)
        headers = {"Authorization": f"Bearer {token}"}
        async with client_for(app) as client:
            await _viewer(client, token)
            sandbox.reset_calls()
            proxy.cut()
            async with asyncio.timeout(_NO_HANG_SECONDS):
                during = await client.post("/graphql", json=rename, headers=headers)
            written_during = sandbox.calls().get(_UPDATE, 0)
            proxy.restore()
            after = await client.post("/graphql", json=rename, headers=headers)

    # Its audit entry could not be kept, so the write was never sent: no change goes unaudited.
    assert _unavailable(during)
    assert written_during == 0
    assert after.json() == {"data": {"updateCustomer": {"userErrors": []}}}
    assert sandbox.calls().get(_UPDATE, 0) == 1
