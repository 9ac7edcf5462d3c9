"""`python -m bench.live`: how soon a socket hears of a change, by the path the change takes.

Two portalql instances share a database and Redis (`PORTALQL_BENCH_REDIS_URL`, or 127.0.0.1:6379; without
Redis, one instance serves both roles and the cross-instance row says so). A customer session's socket on
the first watches the demo customer, and each change renames the customer:

- `portalql, same instance`: `updateCustomer` sent to the watched instance;
- `portalql, other instance`: sent to the other one, so the change crosses Redis;
- `Stripe (webhook)`: made on the sandbox as if in Stripe's dashboard; the sandbox signs and sends
  `customer.updated` to the watched instance, which verifies, stores and processes it first.

Each row is the time from sending the change to the socket's event, and for the portalql rows the time to
the mutation's own answer beside it (the event is told once the change took effect, before the answer leaves).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bench.deployment import bench_redis
from bench.measure import percentile
from bench.serve import SANDBOX_API_KEY
from bench.servers import Server, running
from portalql.cli.demo import mint_demo_credentials
from portalql.persistence.db import Database

if TYPE_CHECKING:
    from collections.abc import Sequence

_WEBHOOK_SECRET = "whsec_bench_live"  # noqa: S105 - the bench's own sandbox, never a real endpoint
_TIMEOUT_SECONDS = 10.0
_RENAME = """
mutation Rename($name: String!) { updateCustomer(input: {name: $name}) { userErrors { code } } }
"""
_WATCH = "subscription { billingChanged { topics } }"


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.live", description=__doc__)
    parser.add_argument("--changes", type=int, default=30, help="changes per path (default 30)")
    parser.add_argument("--latency-ms", type=int, default=50, help="the sandbox's latency (default 50)")
    return parser.parse_args(argv)


async def measure(options: argparse.Namespace) -> dict[str, tuple[list[float], list[float]]]:
    redis_url = await bench_redis()
    with tempfile.TemporaryDirectory(prefix="portalql-live-") as directory:
        workdir = Path(directory)
        database_url = f"sqlite+aiosqlite:///{workdir / 'portalql.db'}"
        sandbox_args = ("--latency-ms", str(options.latency_ms))
        async with running(
            "sandbox", *sandbox_args, ready_path="/_sandbox/calls", workdir=workdir
        ) as sandbox:
            database = Database(database_url)
            await database.migrate()
            customer_id = sandbox.announced["demo_customer_id"]
            credentials = await mint_demo_credentials(
                database, customer_id=customer_id, return_url="http://127.0.0.1/"
            )
            await database.dispose()
            api_args = [
                *("--stripe-api-base", sandbox.url, "--database-url", database_url),
                *("--webhook-secret", _WEBHOOK_SECRET),
                *(("--redis-url", redis_url) if redis_url else ()),
            ]
            async with (
                running("portalql", *api_args, ready_path="/readyz", workdir=workdir) as watched,
                running("portalql", *api_args, ready_path="/readyz", workdir=workdir) as other,
                httpx.AsyncClient(base_url=sandbox.url, timeout=_TIMEOUT_SECONDS) as stripe_admin,
            ):
                token = credentials.customer_session_token
                socket_url = watched.url.replace("http://", "ws://") + "/graphql"
                async with connect(socket_url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
                    await _watch(socket, token, watched)
                    rows: dict[str, tuple[list[float], list[float]]] = {}
                    rows["portalql, same instance"] = await _through(watched, socket, token, options.changes)
                    other_name = "portalql, other instance" if redis_url else "portalql, other (no Redis)"
                    if redis_url:
                        rows[other_name] = await _through(other, socket, token, options.changes)
                    await stripe_admin.post(
                        "/_sandbox/webhooks",
                        json={"url": f"{watched.url}/webhooks/stripe", "secret": _WEBHOOK_SECRET},
                    )
                    rows["Stripe (webhook)"] = await _in_stripe(
                        stripe_admin, socket, customer_id, options.changes
                    )
    return rows


async def _watch(socket: ClientConnection, token: str, watched: Server) -> None:
    await socket.send(
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    )
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": _WATCH}}))
    async with httpx.AsyncClient(base_url=watched.url) as http:
        deadline = time.monotonic() + _TIMEOUT_SECONDS
        while "portalql_live_watchers 1.0" not in (await http.get("/metrics")).text:
            if time.monotonic() > deadline:
                raise RuntimeError("the subscription never started")
            await asyncio.sleep(0.01)


async def _heard(socket: ClientConnection) -> None:
    message = json.loads(await asyncio.wait_for(socket.recv(), _TIMEOUT_SECONDS))
    assert message["type"] == "next", message


async def _through(
    server: Server, socket: ClientConnection, token: str, changes: int
) -> tuple[list[float], list[float]]:
    told, answered = [], []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server.url, timeout=_TIMEOUT_SECONDS) as http:
        for number in range(changes):
            started = time.perf_counter()
            request = asyncio.create_task(
                http.post(
                    "/graphql",
                    json={"query": _RENAME, "variables": {"name": f"Maya {number}"}},
                    headers=headers,
                )
            )
            await _heard(socket)
            told.append(time.perf_counter() - started)
            response = await request
            answered.append(time.perf_counter() - started)
            assert response.json()["data"]["updateCustomer"]["userErrors"] == []
    return told, answered


async def _in_stripe(
    stripe_admin: httpx.AsyncClient, socket: ClientConnection, customer_id: str, changes: int
) -> tuple[list[float], list[float]]:
    told = []
    headers = {"Authorization": f"Bearer {SANDBOX_API_KEY}"}
    for number in range(changes):
        started = time.perf_counter()
        response = await stripe_admin.post(
            f"/v1/customers/{customer_id}", data={"name": f"Maya in Stripe {number}"}, headers=headers
        )
        response.raise_for_status()
        await _heard(socket)
        told.append(time.perf_counter() - started)
    return told, []


def report(rows: dict[str, tuple[list[float], list[float]]]) -> None:
    print(
        f"{'change made':30} {'n':>4} {'event p50 ms':>13} {'p95 ms':>8} {'max ms':>8} {'answer p50 ms':>14}"
    )
    for name, (told, answered) in rows.items():
        answer = f"{percentile(answered, 0.5) * 1000:14.1f}" if answered else f"{'-':>14}"
        print(
            f"{name:30} {len(told):4d} {percentile(told, 0.5) * 1000:13.1f} "
            f"{percentile(told, 0.95) * 1000:8.1f} {max(told) * 1000:8.1f} {answer}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    report(asyncio.run(measure(parse(argv))))


if __name__ == "__main__":
    main()
