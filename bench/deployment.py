"""How the way portalql is deployed changes a warm dashboard's throughput: one worker process against two
(`portalql serve --workers N`, sharing the read cache through Redis), and the price of observability:
metrics recorded or not, traces exported or not.

Each variant serves the same warm dashboard under the same concurrent load for `rounds` rounds; the figures
are the medians of the rounds (throughput) and of the timed one-by-one runs (p50 latency). Two workers need
Redis (`PORTALQL_BENCH_REDIS_URL`, or 127.0.0.1:6379): without it that variant is skipped and says so. The
baseline without metrics is the same server with `prometheus_client`'s recording made no-ops (`bench.serve
--metrics off`); traces go to a local OTLP sink that accepts and drops them (`bench.serve otlp-sink`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import statistics
import subprocess
import sys
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import redis.asyncio as aioredis
from prometheus_client import Counter
from prometheus_client.parser import text_string_to_metric_families
from redis.exceptions import RedisError

from bench.measure import StripeCalls, sample, throughput
from bench.operations import PORTALQL_OPERATIONS, WARM_UP, Caller, Fixtures
from bench.serve import DEPLOYMENT_VARIABLES, SANDBOX_API_KEY
from bench.servers import STARTUP_TIMEOUT_SECONDS, STOP_TIMEOUT_SECONDS, Server, ServerFailedError, running
from portalql.persistence.db import Database
from portalql.persistence.repositories.sessions import create_customer_session
from resolvers.principals import Scope

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    from contextlib import AbstractAsyncContextManager

    from bench.harness import Config

DASHBOARD = next(operation for operation in PORTALQL_OPERATIONS if operation.name == "dashboard")
_DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
_PORTALQL = Path(sys.executable).with_name("portalql")


@dataclass(frozen=True)
class Variant:
    name: str
    # Operations per second of each round, and the one-by-one runs' milliseconds; empty when skipped.
    rounds: tuple[float, ...]
    latency_ms: tuple[float, ...]
    note: str = ""

    @property
    def throughput(self) -> float | None:
        return statistics.median(self.rounds) if self.rounds else None

    @property
    def p50_ms(self) -> float | None:
        return statistics.median(self.latency_ms) if self.latency_ms else None


@dataclass(frozen=True)
class Recording:
    """What metrics cost a warm dashboard, counted rather than timed under load: the samples one dashboard
    records (from two scrapes around it) times what one recording takes in this interpreter."""

    per_dashboard: int
    microseconds_each: float

    @property
    def microseconds(self) -> float:
        return self.per_dashboard * self.microseconds_each


@dataclass(frozen=True)
class Deployment:
    variants: tuple[Variant, ...]
    recording: Recording | None = None

    def _throughput(self, name: str) -> float | None:
        return next((v.throughput for v in self.variants if v.name == name), None)

    def ratio(self, numerator: str, denominator: str) -> float | None:
        top, bottom = self._throughput(numerator), self._throughput(denominator)
        return top / bottom if top and bottom else None

    def ratios(self) -> dict[str, float | None]:
        return {
            "two_workers_over_one": self.ratio("2 workers", "1 worker"),
            "metrics_on_over_off": self.ratio("metrics on", "metrics off"),
            "tracing_on_over_off": self.ratio("tracing on", "metrics on"),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "variants": [
                {
                    "name": v.name,
                    "ops_per_second_rounds": list(v.rounds),
                    "ops_per_second_median": v.throughput,
                    "latency_p50_ms": v.p50_ms,
                    "note": v.note,
                }
                for v in self.variants
            ],
            "ratios": self.ratios(),
            "metrics_per_warm_dashboard": (
                {"recordings": self.recording.per_dashboard, "microseconds": self.recording.microseconds}
                if self.recording
                else None
            ),
        }

    def table(self) -> str:
        lines = ["", "Warm dashboard by deployment (medians of the rounds):", ""]
        lines.append(f"  {'variant':<14}{'ops/s':>9}{'p50 ms':>9}  rounds (ops/s)")
        for v in self.variants:
            if not v.rounds:
                lines.append(f"  {v.name:<14}{'-':>9}{'-':>9}  {v.note}")
                continue
            rounds = ", ".join(f"{r:.0f}" for r in v.rounds)
            lines.append(f"  {v.name:<14}{v.throughput or 0:>9.1f}{v.p50_ms or 0:>9.1f}  {rounds}")
        labels = {
            "two_workers_over_one": "throughput 2 workers/1 worker",
            "metrics_on_over_off": "throughput metrics on/off",
            "tracing_on_over_off": "throughput tracing on/off",
        }
        lines.append("")
        for key, value in self.ratios().items():
            lines.append(f"  {labels[key]}: {'-' if value is None else f'{value:.2f}x'}")
        if self.recording is not None:
            on = next((v.p50_ms for v in self.variants if v.name == "metrics on"), None)
            share = f", {self.recording.microseconds / (on * 1000):.1%} of its p50" if on else ""
            lines.append(
                f"  metrics recorded per warm dashboard: {self.recording.per_dashboard} samples, "
                f"{self.recording.microseconds:.0f} µs{share}"
            )
        return "\n".join(lines)


async def measure(config: Config, progress: Callable[[str], None], workdir: Path) -> Deployment:
    """Every variant on one sandbox and one database, each server started fresh and warmed first."""
    database_url = f"sqlite+aiosqlite:///{workdir / 'deployment.db'}"
    rounds = max(3, min(config.runs, 5))
    async with (
        running(
            "sandbox", "--latency-ms", str(config.latency_ms), ready_path="/_sandbox/calls", workdir=workdir
        ) as sandbox,
        httpx.AsyncClient(base_url=sandbox.url, timeout=30.0) as sandbox_http,
        running("otlp-sink", ready_path="/", workdir=workdir) as sink,
    ):
        customer_id: str = sandbox.announced["demo_customer_id"]
        token = await _session(database_url, customer_id)
        calls = StripeCalls(sandbox_http)
        fixtures = Fixtures(customer_id=customer_id)

        async def warm(name: str, server: Server) -> Variant:
            progress(f"deployment: warm dashboard, {name}")
            return await _measure(name, server, (token, fixtures), calls, config, rounds=rounds)

        def api(*options: str) -> AbstractAsyncContextManager[Server]:
            base = ("--stripe-api-base", sandbox.url, "--database-url", database_url)
            return running("portalql", *base, *options, ready_path="/readyz", workdir=workdir)

        variants = []
        async with api("--metrics", "off") as server:
            variants.append(await warm("metrics off", server))
        async with api() as server:
            variants.append(await warm("metrics on", server))
            recording = await _recording(server, (token, fixtures), calls)
        async with api("--otlp-endpoint", sink.url) as server:
            variants.append(await warm("tracing on", server))

        redis_url = await bench_redis()
        for workers in (1, 2):
            name = f"{workers} worker{'s' if workers > 1 else ''}"
            if redis_url is None:
                variants.append(
                    Variant(name, (), (), "skipped: no Redis at PORTALQL_BENCH_REDIS_URL or 127.0.0.1:6379")
                )
                continue
            async with _serve(workers, sandbox.url, database_url, redis_url, workdir) as server:
                variants.append(await warm(name, server))
    return Deployment(tuple(variants), recording)


async def _measure(
    name: str,
    server: Server,
    credentials: tuple[str, Fixtures],
    calls: StripeCalls,
    config: Config,
    *,
    rounds: int,
) -> Variant:
    limits = httpx.Limits(max_connections=config.concurrency, max_keepalive_connections=config.concurrency)
    async with httpx.AsyncClient(base_url=server.url, timeout=30.0, limits=limits) as http:
        caller = Caller(http, *credentials)
        await caller.graphql(WARM_UP)
        await DASHBOARD.run(caller)  # the cold one: what follows is warm
        latency = [(await sample(DASHBOARD, caller, calls)).milliseconds for _ in range(config.runs)]
        loads = []
        for _ in range(rounds):
            load = await throughput(
                DASHBOARD, caller, calls,
                concurrency=config.concurrency, duration_seconds=config.duration_seconds,
                max_operations=config.max_operations,
            )  # fmt: skip
            if load.errors:
                return Variant(name, (), (), f"failed under load: {load.first_error}")
            loads.append(load.operations_per_second)
    return Variant(name, tuple(loads), tuple(latency))


async def _recording(server: Server, credentials: tuple[str, Fixtures], calls: StripeCalls) -> Recording:
    async with httpx.AsyncClient(base_url=server.url, timeout=30.0) as http:
        caller = Caller(http, *credentials)
        await DASHBOARD.run(caller)
        before = _recorded((await http.get("/metrics")).text)
        await sample(DASHBOARD, caller, calls)
        after = _recorded((await http.get("/metrics")).text)
    # The scrape between them is a request too: its own recordings are left out.
    scrape = 2  # its HTTP request counter and duration
    counter = Counter("portalql_bench_probe", "A recording timed for the estimate.", ["a", "b", "c"])
    rounds = 20_000
    started = time.perf_counter()
    for _ in range(rounds):
        counter.labels("x", "y", "z").inc()
    each = (time.perf_counter() - started) / rounds * 1_000_000
    return Recording(after - before - scrape, each)


def _recorded(exposition: str) -> int:
    """How many recordings the service's counters and histograms hold in all (`_total` and `_count`)."""
    total = 0.0
    for family in text_string_to_metric_families(exposition):
        if family.name.startswith("portalql_"):
            total += sum(s.value for s in family.samples if s.name.endswith(("_total", "_count")))
    return round(total)


async def _session(database_url: str, customer_id: str) -> str:
    database = Database(database_url)
    try:
        await database.migrate()
        async with database.session() as db:
            created = await create_customer_session(
                db, customer_id=customer_id, ttl=timedelta(days=1), scopes=frozenset(Scope)
            )
    finally:
        await database.dispose()
    return created.token


async def bench_redis() -> str | None:
    """`PORTALQL_BENCH_REDIS_URL` (or a local Redis) when a server answers there, with the service's cache of
    an earlier run deleted."""
    url = os.environ.get("PORTALQL_BENCH_REDIS_URL", _DEFAULT_REDIS_URL)
    client = aioredis.Redis.from_url(url)
    try:
        await client.ping()
        keys = [key async for key in client.scan_iter(match="portalql:cache:*")]
        if keys:
            await client.delete(*keys)
    except (RedisError, OSError):
        return None
    finally:
        await client.aclose()
    return url


@asynccontextmanager
async def _serve(
    workers: int, stripe_api_base: str, database_url: str, redis_url: str, workdir: Path
) -> AsyncIterator[Server]:
    """`portalql serve --workers N` as a team runs it, on the bench's sandbox, database and Redis."""
    # As `bench.servers.running` does: compiled modules cached for the run, whatever the environment says.
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PORTALQL_")
        and name not in DEPLOYMENT_VARIABLES
        and name != "PYTHONDONTWRITEBYTECODE"
    }
    environment["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    environment.update(
        STRIPE_API_KEY=SANDBOX_API_KEY,
        STRIPE_API_BASE=stripe_api_base,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        # As the single-process variants: the sandbox has no rate limit to respect.
        PORTALQL_STRIPE_REQUESTS_PER_SECOND="1000",
    )
    log_path = workdir / f"serve-{workers}-{time.monotonic_ns()}.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            str(_PORTALQL), "serve", "--port", "0", "--workers", str(workers),
            cwd=workdir, env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
        )  # fmt: skip
        try:
            yield await _started(workers, process, log_path)
        finally:
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), STOP_TIMEOUT_SECONDS * 3)
                except TimeoutError:
                    process.kill()
                    await process.wait()


async def _started(workers: int, process: asyncio.subprocess.Process, log_path: Path) -> Server:
    assert process.stdout is not None
    # Several worker processes import everything each, at once: on a loaded machine that takes a while.
    deadline = time.monotonic() + 2 * STARTUP_TIMEOUT_SECONDS
    line = (await asyncio.wait_for(process.stdout.readline(), STARTUP_TIMEOUT_SECONDS)).decode()
    found = re.match(r"GraphiQL: (http://127\.0\.0\.1:\d+)/graphql", line)
    if found is None:
        raise ServerFailedError(f"portalql serve --workers {workers} did not start: {_tail(log_path)}")
    async with httpx.AsyncClient(base_url=found[1], timeout=5.0) as client:
        while time.monotonic() < deadline and process.returncode is None:
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/readyz")).status_code == 200:
                    return Server(kind=f"serve-{workers}", url=found[1], pid=process.pid, announced={})
            await asyncio.sleep(0.1)
    raise ServerFailedError(f"portalql serve --workers {workers} was not ready: {_tail(log_path)}")


def _tail(log_path: Path) -> str:
    return log_path.read_text(errors="replace")[-2000:]
