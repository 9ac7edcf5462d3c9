"""`python -m bench.soak`: many clients for a bounded time against a sandbox that fails some calls.

What an operator checks before trusting a release under load: Stripe calls per second against the account's
limit (at most the limit in any second), latency percentiles, errors by code (RATE_LIMITED and
STRIPE_UNAVAILABLE are answers under faults and overload; INTERNAL is a bug), that every successful change
left exactly one audit row, and the API's memory at the start and the end.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import random
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import func, select

from bench.measure import percentile
from bench.servers import Server, running
from portalql.cli.demo import DASHBOARD_QUERY, mint_demo_credentials
from portalql.persistence.db import Database
from portalql.persistence.models import AuditEvent
from portalql.persistence.repositories.sessions import create_customer_session
from resolvers.principals import Scope

if TYPE_CHECKING:
    from collections.abc import Sequence

_CUSTOMERS = "query Customers { customers(first: 100) { edges { node { id } } } }"
_RENAME = """
mutation Rename($name: String!) {
  updateCustomer(input: {name: $name}) { userErrors { code } }
}
"""
_TIMEOUT_SECONDS = 60.0


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    outcomes: collections.Counter[str] = field(default_factory=collections.Counter)
    changes: int = 0


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long they run (default 20)")
    parser.add_argument("--fault-rate", type=float, default=0.2, help="share of Stripe calls failing (0.2)")
    parser.add_argument("--limit", type=int, default=25, help="the account's Stripe calls/s (default 25)")
    parser.add_argument("--latency-ms", type=int, default=50, help="the sandbox's latency (default 50)")
    parser.add_argument("--writes", type=float, default=0.1, help="share of operations that rename (0.1)")
    return parser.parse_args(argv)


def rss_bytes(server: Server) -> int:
    for line in Path(f"/proc/{server.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


async def soak(options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="portalql-soak-") as directory:
        workdir = Path(directory)
        database_url = f"sqlite+aiosqlite:///{workdir / 'portalql.db'}"
        sandbox_args = ("--latency-ms", str(options.latency_ms))
        async with (
            running("sandbox", *sandbox_args, ready_path="/_sandbox/calls", workdir=workdir) as sandbox,
            httpx.AsyncClient(base_url=sandbox.url, timeout=_TIMEOUT_SECONDS) as stripe_admin,
        ):
            database = Database(database_url)
            await database.migrate()
            credentials = await mint_demo_credentials(
                database, customer_id=sandbox.announced["demo_customer_id"], return_url="http://127.0.0.1/"
            )
            api_args = (
                *("--stripe-api-base", sandbox.url, "--database-url", database_url),
                *("--stripe-requests-per-second", str(options.limit)),
            )
            async with (
                running("portalql", *api_args, ready_path="/readyz", workdir=workdir) as api,
                httpx.AsyncClient(
                    base_url=api.url,
                    timeout=_TIMEOUT_SECONDS,
                    limits=httpx.Limits(max_connections=options.clients),
                ) as http,
            ):
                admin = {"Authorization": f"Bearer {credentials.api_key}"}
                listed = (await http.post("/graphql", json={"query": _CUSTOMERS}, headers=admin)).json()
                customer_ids = [edge["node"]["id"] for edge in listed["data"]["customers"]["edges"]]
                tokens = []
                for customer_id in customer_ids:
                    async with database.session() as db:
                        session = await create_customer_session(
                            db, customer_id=customer_id, ttl=timedelta(hours=1), scopes=frozenset(Scope)
                        )
                    tokens.append(session.token)
                audit_before = await _audit_rows(database)
                rss_start = rss_bytes(api)
                await stripe_admin.delete("/_sandbox/calls")
                await stripe_admin.post(
                    "/_sandbox/faults", json={"kind": "error", "rate": options.fault_rate}
                )
                tally = _Tally()
                per_second = await _run(http, stripe_admin, tokens, options, tally)
                await stripe_admin.delete("/_sandbox/faults")
                rss_end = rss_bytes(api)
                audit_rows = await _audit_rows(database) - audit_before
            await database.dispose()
    _report(options, len(customer_ids), tally, per_second, audit_rows, rss_start, rss_end)


async def _run(
    http: httpx.AsyncClient,
    stripe_admin: httpx.AsyncClient,
    tokens: list[str],
    options: argparse.Namespace,
    tally: _Tally,
) -> list[float]:
    stop_at = time.monotonic() + options.seconds
    rng = random.Random(7)  # noqa: S311 - a reproducible load, not a secret

    async def client(number: int) -> None:
        while time.monotonic() < stop_at:
            token = tokens[rng.randrange(len(tokens))]
            rename = rng.random() < options.writes
            payload: dict[str, Any] = (
                {"query": _RENAME, "variables": {"name": f"Soak {number} {time.monotonic_ns()}"}}
                if rename
                else {"query": DASHBOARD_QUERY}
            )
            started = time.perf_counter()
            try:
                response = await http.post(
                    "/graphql", json=payload, headers={"Authorization": f"Bearer {token}"}
                )
            except httpx.HTTPError as error:
                tally.outcomes[type(error).__name__] += 1
                continue
            tally.latencies.append(time.perf_counter() - started)
            body = response.json()
            codes = sorted({error["extensions"]["code"] for error in body.get("errors") or []})
            tally.outcomes[",".join(codes) or f"ok ({response.status_code})"] += 1
            payload_errors = (body.get("data") or {}).get("updateCustomer") or {}
            if rename and not codes and not payload_errors.get("userErrors"):
                tally.changes += 1

    async def count_calls(per_second: list[float]) -> None:
        # Divided by the interval actually measured: the sampler's own requests make it a little over 1 s.
        previous, then = 0, time.monotonic()
        while True:
            await asyncio.sleep(1.0)
            total = sum((await stripe_admin.get("/_sandbox/calls")).json().values())
            now = time.monotonic()
            per_second.append((total - previous) / (now - then))
            previous, then = total, now

    per_second: list[float] = []
    counter = asyncio.create_task(count_calls(per_second))
    await asyncio.gather(*(client(number) for number in range(options.clients)))
    counter.cancel()
    return per_second


async def _audit_rows(database: Database) -> int:
    async with database.session() as db:
        return int((await db.execute(select(func.count()).select_from(AuditEvent))).scalar_one())


def _report(  # noqa: PLR0917 - one line of the report per argument
    options: argparse.Namespace,
    customers: int,
    tally: _Tally,
    per_second: list[float],
    audit_rows: int,
    rss_start: int,
    rss_end: int,
) -> None:
    latencies = sorted(tally.latencies) or [0.0]
    mebibyte = 1024 * 1024
    lines = [
        f"{options.clients} clients, {options.seconds:.0f} s, {customers} customers, "
        f"{options.fault_rate:.0%} Stripe faults, {options.latency_ms} ms Stripe latency",
        f"Stripe calls/s: max {max(per_second, default=0):.1f}, mean "
        f"{sum(per_second) / max(1, len(per_second)):.1f}, limit {options.limit}",
        f"latency: p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms over {len(latencies)} responses",
        "outcomes: " + ", ".join(f"{name} {count}" for name, count in tally.outcomes.most_common()),
        f"audit rows {audit_rows} = changes {tally.changes}: {audit_rows == tally.changes}",
        f"API RSS: start {rss_start / mebibyte:.1f} MiB, end {rss_end / mebibyte:.1f} MiB",
    ]
    print("\n".join(lines))


def main(argv: Sequence[str] | None = None) -> None:
    asyncio.run(soak(parse(argv)))


if __name__ == "__main__":
    main()
