"""`portalql serve --workers 2` on PostgreSQL and Redis, as a team runs it: a change made through one worker
is seen by the other (the read cache), a session revoked through one is refused by the other (the auth
cache), and a scrape of either counts the requests of both (the metrics).

Which worker answers is the kernel's choice among the processes accepting on the shared socket; each request
opens a new connection and carries its own id, and the workers' JSON access lines (with their process id)
tell which one served it. Skipped without `PORTALQL_TEST_DATABASE_URL` and a Redis server.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import signal
import subprocess
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import redis.asyncio as aioredis
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from portalql.cli.serve import _worker_environment, workers_problem
from portalql.persistence.db import Database
from portalql.persistence.repositories.api_keys import create_api_key
from portalql.persistence.repositories.sessions import create_customer_session
from portalql.settings import Settings, normalise_database_url
from resolvers.principals import Scope
from stripe_sandbox.seed import demo_customer
from tests.test_serve import _SETTINGS_VARIABLES, PORTALQL, STARTUP_SECONDS, STOP_SECONDS

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from tests.fixtures.sandbox import SandboxHandle

_POSTGRES_URL = os.environ.get("PORTALQL_TEST_DATABASE_URL")
_REDIS_URL = os.environ.get("PORTALQL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# Requests sent until both workers have answered one; each is a new connection, so each is a fresh draw.
_MAX_DRAWS = 60
# The ids of the test's own requests (the start-up's health checks are not counted).
_OURS = "workers-test-"
_CUSTOMER_NAME = '{ customer(id: "%s") { name } }'


@pytest.fixture
async def fresh_database() -> AsyncIterator[str]:
    """A database of its own on the test server, which the workers reach by URL alone."""
    assert _POSTGRES_URL is not None
    server = make_url(normalise_database_url(_POSTGRES_URL))
    name = f"portalql_workers_{secrets.token_hex(4)}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        await admin.dispose()


@pytest.fixture
async def shared_redis() -> AsyncIterator[str]:
    """Redis, without the service's keys of an earlier run (the workers use the service's own names)."""
    client = aioredis.Redis.from_url(_REDIS_URL)
    try:
        await client.ping()
    except OSError:
        await client.aclose()
        pytest.skip("no Redis server")

    async def forget() -> None:
        for pattern in ("portalql:cache:*", "portalql:stripe-pace:*"):
            keys = [key async for key in client.scan_iter(match=pattern)]
            if keys:
                await client.delete(*keys)

    await forget()
    yield _REDIS_URL
    await forget()
    await client.aclose()


class Workers:
    def __init__(self, url: str, log: Path) -> None:
        self.url = url
        self._log = log
        self._sent = 0

    def served_by(self) -> dict[str, int]:
        """The process that answered each request id so far, from the workers' access lines."""
        served = {}
        for line in self._log.read_text().splitlines():
            if line.startswith("{"):
                record = json.loads(line)
                if record["logger"] == "portalql.access" and (record["request_id"] or "").startswith(_OURS):
                    served[record["request_id"]] = record["pid"]
        return served

    async def post(self, query: str, token: str, variables: dict[str, Any] | None = None) -> tuple[str, Any]:
        """One GraphQL request on a new connection; its id and its answer."""
        self._sent += 1
        request_id = f"{_OURS}{self._sent}"
        async with httpx.AsyncClient(timeout=30.0) as client:
            response = await client.post(
                f"{self.url}/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {token}", "X-Request-Id": request_id},
            )
        return request_id, response.json()

    async def from_both(self, query: str, token: str) -> list[Any]:
        """Send `query` until both workers have answered it; every answer."""
        answers, ids = [], []
        for _ in range(_MAX_DRAWS):
            request_id, answer = await self.post(query, token)
            answers.append(answer)
            ids.append(request_id)
            await asyncio.sleep(0.05)  # the access line is written after the answer
            served = self.served_by()
            if len({served[i] for i in ids if i in served}) == 2:
                return answers
        raise AssertionError(f"one worker answered all {_MAX_DRAWS} requests")


@asynccontextmanager
async def serve_workers(cwd: Path, **environment: str) -> AsyncIterator[Workers]:
    env = {name: value for name, value in os.environ.items() if not _SETTINGS_VARIABLES.fullmatch(name)}
    # Each worker imports everything: compiled once for both, whatever the environment says about bytecode.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cwd / "pycache")
    log = cwd / "workers.log"
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            *(str(PORTALQL), "serve", "--port", "0", "--workers", "2"),
            cwd=cwd,
            env={**env, **environment},
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
        )
        try:
            assert process.stdout is not None
            async with asyncio.timeout(STARTUP_SECONDS):
                line = (await process.stdout.readline()).decode()
                found = re.match(r"GraphiQL: (http://127\.0\.0\.1:\d+)/graphql", line)
                assert found, line + log.read_text()
                url = found[1]
                async with httpx.AsyncClient() as client:
                    while True:
                        try:
                            if (await client.get(f"{url}/healthz")).status_code == 200:
                                break
                        except httpx.TransportError:
                            pass
                        await asyncio.sleep(0.2)
            yield Workers(url, log)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                async with asyncio.timeout(STOP_SECONDS):
                    await process.wait()


@pytest.mark.skipif(_POSTGRES_URL is None, reason="PORTALQL_TEST_DATABASE_URL is not set")
async def test_two_workers_see_each_others_changes_revocations_and_requests(
    tmp_path: Path, sandbox: SandboxHandle, fresh_database: str, shared_redis: str
) -> None:
    customer = demo_customer(sandbox.state.store)["id"]
    database = Database(fresh_database)
    try:
        await database.migrate()
        async with database.session() as db:
            api_key = (await create_api_key(db, name="workers test", livemode=False)).token
            session = await create_customer_session(
                db,
                customer_id=customer,
                ttl=timedelta(hours=1),
                scopes=frozenset(Scope),
            )
    finally:
        await database.dispose()

    async with serve_workers(
        tmp_path,
        DATABASE_URL=fresh_database,
        REDIS_URL=shared_redis,
        STRIPE_API_KEY="sk_test_portalql_workers",
        STRIPE_API_BASE=sandbox.url,
        PORTALQL_LOG_FORMAT="json",
    ) as workers:
        # Both workers read the customer (and keep it in the read cache).
        before = await workers.from_both(_CUSTOMER_NAME % customer, api_key)
        # The customer's name changes through one worker...
        _, renamed = await workers.post(
            "mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) "
            "{ userErrors { code } } }",
            api_key,
            {"input": {"customerId": customer, "name": "Maya Chen-Okafor"}},
        )
        # ... and neither answers with the old one any more.
        after = await workers.from_both(_CUSTOMER_NAME % customer, api_key)

        # Both workers accept (and cache) the session; it is revoked through one; both refuse it.
        accepted = await workers.from_both("{ viewer { kind } }", session.token)
        _, revoked = await workers.post(
            "mutation($input: RevokeCustomerSessionInput!) { revokeCustomerSession(input: $input) "
            "{ userErrors { code } } }",
            api_key,
            {"input": {"token": session.token}},
        )
        refused = await workers.from_both("{ viewer { kind } }", session.token)

        async with httpx.AsyncClient() as client:
            scraped = (await client.get(f"{workers.url}/metrics")).text
        served = workers.served_by()

    assert {answer["data"]["customer"]["name"] for answer in before} == {"Maya Chen"}
    assert renamed == {"data": {"updateCustomer": {"userErrors": []}}}
    assert {answer["data"]["customer"]["name"] for answer in after} == {"Maya Chen-Okafor"}
    assert {answer["data"]["viewer"]["kind"] for answer in accepted} == {"CUSTOMER_SESSION"}
    assert revoked == {"data": {"revokeCustomerSession": {"userErrors": []}}}
    assert {answer["errors"][0]["extensions"]["code"] for answer in refused} == {"UNAUTHENTICATED"}
    # The scrape, answered by one worker, counts every GraphQL request either answered.
    graphql_requests = sum(
        float(value)
        for value in re.findall(r'portalql_http_requests_total\{[^}]*route="/graphql"[^}]*\} (\S+)', scraped)
    )
    assert graphql_requests == len(served)
    assert len(set(served.values())) == 2


def test_several_workers_without_redis_are_refused_as_they_would_disagree() -> None:
    alone = Settings(_env_file=None)
    assert "REDIS_URL" in (workers_problem(alone) or "")
    # Even without caches: each would tell only its own live-update sockets of a change.
    without_caches = Settings(_env_file=None, read_cache=False, auth_cache_seconds=0)
    assert "live-update sockets" in (workers_problem(without_caches) or "")
    assert workers_problem(Settings(_env_file=None, redis_url="redis://127.0.0.1:6379/0")) is None


def test_each_worker_paces_at_its_share_of_the_accounts_rate_while_redis_is_down() -> None:
    # Two machines of three workers each: six processes share the account when they cannot share Redis.
    settings = Settings(_env_file=None, redis_url="redis://127.0.0.1:6379/0", instances=2)
    environment = _worker_environment(settings, 3)
    assert environment["PORTALQL_INSTANCES"] == "6"


def test_serve_refuses_two_workers_without_redis(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if not _SETTINGS_VARIABLES.fullmatch(name)}
    finished = subprocess.run(  # noqa: S603 - the project's own command
        [str(PORTALQL), "serve", "--port", "0", "--workers", "2"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=STARTUP_SECONDS,
    )  # fmt: skip
    assert finished.returncode == 2
    assert "cannot serve with 2 workers" in finished.stderr
    assert "REDIS_URL" in finished.stderr
    assert not (tmp_path / "portalql.db").exists()  # refused before anything was started
