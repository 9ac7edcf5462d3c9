"""The benchmark's course: start the servers, measure every case, always stop what was started.

Cold and warm: a first request and a repeat on the same API process tell whether a read cache serves the
repeat. Without one, every request is cold and the process's steady state is the cold case. With one, the
steady state of that process is the warm case, and the cold case is measured on a second process started
with the read cache off: every run reads Stripe as a customer whose data is not cached does. Like the
alternative's, that process serves the operation once before timing, so one-time costs of a new process
(opening connections, first parses) are in neither figure.

The warm dashboard is measured again on a process without the response cache (`executed`): every request
executed, its reads all served by the read cache, so that the response cache's gain shows beside it.

Where a customer's first visit costs more than a cold one (the API learns which subscriptions a customer
has), it is measured too: each run on a new process that has served the operation for another customer
only, with what earlier runs learnt about the customer deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import tempfile
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import orjson

from bench.measure import Measured, StripeCalls, sample, throughput
from bench.operations import (
    ALTERNATIVE_DASHBOARD,
    ATTACK_PER_SECOND,
    CUSTOMER_IDS,
    DASHBOARD,
    DISCOVER,
    FAN_OUT,
    FLOOR_DASHBOARD,
    MUTATIONS,
    OPEN_INVOICES,
    PORTALQL_OPERATIONS,
    USAGE_DISCOVER,
    WARM_UP,
    WORKING_LAST4,
    Caller,
    Credential,
    Fixtures,
    Operation,
    OperationFailedError,
)
from bench.results import Cache, CaseResult, Status, Target
from bench.servers import Server, running
from portalql.cli.demo import DemoCredentials, mint_demo_credentials, seed_demo_offers
from portalql.persistence.db import Database
from portalql.persistence.repositories.known_subscriptions import replace_known_subscription_ids
from portalql.persistence.repositories.sessions import create_customer_session
from portalql.persistence.repositories.trusted_documents import store_trusted_documents
from resolvers.principals import Scope
from schema.trusted import document_id_of
from stripe_sandbox.seed import DEMO_COUPON_ID

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    from contextlib import AbstractAsyncContextManager

TIMEOUT_SECONDS = 30.0  # per request
# Stripe summarises usage by UTC day.
DAY = 86_400
BOTH = (Cache.COLD, Cache.WARM)


@dataclass(frozen=True)
class Config:
    runs: int
    latency_ms: int
    concurrency: int
    duration_seconds: float
    only: str | None = None
    # The throughput loop also stops after this many operations, whatever the duration.
    max_operations: int = 50_000


@dataclass(frozen=True)
class Bench:
    """What every case shares: the options, the running sandbox and where servers keep their files."""

    config: Config
    workdir: Path
    sandbox: Server
    calls: StripeCalls
    progress: Callable[[str], None]

    @property
    def demo_customer_id(self) -> str:
        customer_id: str = self.sandbox.announced["demo_customer_id"]
        return customer_id

    @property
    def usage_customer_id(self) -> str:
        customer_id: str = self.sandbox.announced["usage_customer_id"]
        return customer_id

    @property
    def database_url(self) -> str:
        return f"sqlite+aiosqlite:///{self.workdir / 'portalql.db'}"

    def running_api(
        self, *, read_cache: bool = True, response_cache: bool = True
    ) -> AbstractAsyncContextManager[Server]:
        return running(
            "portalql", "--stripe-api-base", self.sandbox.url, "--database-url", self.database_url,
            *(() if read_cache else ("--no-read-cache",)),
            *(() if response_cache else ("--no-response-cache",)),
            ready_path="/readyz", workdir=self.workdir,
        )  # fmt: skip

    @property
    def dashboards(self) -> Path:
        """The floor's data: portalql's warm dashboard answer, by customer, once it has been measured."""
        return self.workdir / "dashboards.json"

    @asynccontextmanager
    async def database(self) -> AsyncIterator[Database]:
        """The API's database, opened beside it for set-up that is not timed."""
        database = Database(self.database_url)
        try:
            yield database
        finally:
            await database.dispose()

    async def forget_subscriptions(self, customer_id: str) -> None:
        """Delete what the API learnt about the customer's subscriptions, as if it had never seen it."""
        async with self.database() as database, database.session() as db:
            await replace_known_subscription_ids(db, customer_id, frozenset())

    @asynccontextmanager
    async def caller(self, server: Server, token: str | None, fixtures: Fixtures) -> AsyncIterator[Caller]:
        connections = self.config.concurrency
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(base_url=server.url, timeout=TIMEOUT_SECONDS, limits=limits) as http:
            yield Caller(http, token, fixtures)

    async def steady(self, server: Server, operation: Operation, caller: Caller) -> Measured:
        """Runs timed one after another, then a bounded concurrent load: a process's steady state."""
        samples = [await sample(operation, caller, self.calls) for _ in range(self.config.runs)]
        load = await throughput(
            operation, caller, self.calls,
            concurrency=self.config.concurrency, duration_seconds=self.config.duration_seconds,
            max_operations=self.config.max_operations,
        )  # fmt: skip
        return Measured(tuple(samples), load, server.peak_rss_bytes())

    async def under_attack(self, server: Server, operation: Operation, caller: Caller) -> Measured:
        """`steady`, while an unauthenticated client sends `FAN_OUT` at `ATTACK_PER_SECOND`, each time with
        another comment, so that no refusal comes from the document cache."""
        async with httpx.AsyncClient(base_url=server.url, timeout=TIMEOUT_SECONDS) as attacker:

            async def attack() -> None:
                started = asyncio.get_running_loop().time()
                for sent in itertools.count():
                    due = started + sent / ATTACK_PER_SECOND
                    await asyncio.sleep(max(0.0, due - asyncio.get_running_loop().time()))
                    refused = await attacker.post("/graphql", json={"query": f"{FAN_OUT}\n# {sent}"})
                    if "errors" not in refused.json():
                        raise OperationFailedError("the fan-out document was not refused")

            attacking = asyncio.create_task(attack())
            try:
                return await self.steady(server, operation, caller)
            finally:
                attacking.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await attacking


async def run(config: Config, progress: Callable[[str], None]) -> list[CaseResult]:
    with tempfile.TemporaryDirectory(prefix="portalql-bench-") as workdir:
        sandbox_args = ("--latency-ms", str(config.latency_ms))
        async with (
            running("sandbox", *sandbox_args, ready_path="/_sandbox/calls", workdir=Path(workdir)) as sandbox,
            httpx.AsyncClient(base_url=sandbox.url, timeout=TIMEOUT_SECONDS) as sandbox_http,
        ):
            bench = Bench(config, Path(workdir), sandbox, StripeCalls(sandbox_http), progress)
            operations = [op for op in PORTALQL_OPERATIONS if config.only in {None, op.name}]
            results = await _portalql(bench, operations) if operations else []
            if config.only in {None, ALTERNATIVE_DASHBOARD.name}:
                results.append(await _alternative(bench))
            if config.only in {None, FLOOR_DASHBOARD.name} and bench.dashboards.is_file():
                results.append(await _floor(bench))
            return results


@dataclass(frozen=True)
class _Probe:
    credentials: DemoCredentials
    fixtures: Fixtures
    mutations: frozenset[str]
    # Another customer's session: what a first visit's process serves before the timed customer.
    other_customer: tuple[str, Fixtures]
    # The usage-billed customer's session, and its meter and period.
    usage_customer: tuple[str, Fixtures]


async def _portalql(bench: Bench, operations: list[Operation]) -> list[CaseResult]:
    try:
        probe = await _probe(bench)
    except Exception as error:  # the benchmark reports a broken API instead of dying
        note = f"could not prepare the API: {type(error).__name__}: {error}"
        return [case for op in operations for case in _failed(op, note)]
    results = []
    for operation in operations:
        bench.progress(f"portalql: {operation.title}")
        results.extend(await _portalql_operation(bench, operation, probe))
    return results


async def _probe(bench: Bench) -> _Probe:
    """Credentials, and what the operations need from the API itself, found once before any timing."""
    async with bench.database() as database:
        await database.migrate()
        credentials = await mint_demo_credentials(
            database, customer_id=bench.demo_customer_id, return_url="http://127.0.0.1/"
        )
        await seed_demo_offers(database, coupon_id=DEMO_COUPON_ID)
        async with database.session() as db:
            texts = {text for op in PORTALQL_OPERATIONS for text in op.trusted_documents}
            await store_trusted_documents(db, {document_id_of(text): (text, None) for text in texts})
    fixtures = Fixtures(customer_id=bench.demo_customer_id)
    token = credentials.customer_session_token
    async with bench.running_api() as api, bench.caller(api, token, fixtures) as caller:
        mutation_type = (await caller.graphql(MUTATIONS))["__type"]
        mutations = frozenset(field["name"] for field in (mutation_type or {}).get("fields") or [])
        customer = (await caller.graphql(DISCOVER))["viewer"]["customer"]
        admin = replace(caller, token=credentials.api_key)
        listed = [edge["node"]["id"] for edge in (await admin.graphql(CUSTOMER_IDS))["customers"]["edges"]]
        owing = (
            (await admin.graphql(OPEN_INVOICES))["customers"]["edges"] if "payInvoice" in mutations else []
        )
    changeable = [s for s in customer["subscriptions"] if s["allowedPlanChanges"]]
    if changeable:
        subscription = changeable[0]
        add_ons = subscription["availableAddOns"]
        fixtures = Fixtures(
            bench.demo_customer_id,
            subscription["id"],
            subscription["allowedPlanChanges"][0]["id"],
            plan_item_id=subscription["items"][0]["id"],
            add_on_price_id=add_ons[0]["price"]["id"] if add_ons else None,
        )
    fixtures = replace(fixtures, **_owed(owing))
    other_id = next(id_ for id_ in listed if id_ != bench.demo_customer_id)
    async with bench.database() as database, database.session() as db:
        other = await create_customer_session(
            db, customer_id=other_id, ttl=timedelta(days=1), scopes=frozenset(Scope)
        )
        metered = await create_customer_session(
            db, customer_id=bench.usage_customer_id, ttl=timedelta(days=1), scopes=frozenset(Scope)
        )
    usage_fixtures = await _usage_fixtures(bench, metered.token)
    return _Probe(
        credentials, fixtures, mutations, (other.token, Fixtures(other_id)), (metered.token, usage_fixtures)
    )


async def _usage_fixtures(bench: Bench, token: str) -> Fixtures:
    """The usage customer's meter, and its period's UTC days up to today: the range its chart shows."""
    fixtures = Fixtures(customer_id=bench.usage_customer_id)
    async with bench.running_api() as api, bench.caller(api, token, fixtures) as caller:
        customer = (await caller.graphql(USAGE_DISCOVER))["viewer"]["customer"]
    item = next(i for s in customer["subscriptions"] for i in s["items"] if i["meter"])
    start = datetime.fromisoformat(item["usage"]["periodStart"]).timestamp()
    days = (int(time.time()) // DAY - int(start) // DAY) + 1
    first = int(start) // DAY * DAY
    return replace(
        fixtures,
        meter_id=item["meter"]["id"],
        usage_from=_iso(first),
        usage_to=_iso(first + days * DAY),
    )


def _iso(at: int) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat().replace("+00:00", "Z")


def _owed(customers: list[dict[str, Any]]) -> dict[str, str]:
    """An open invoice and a working card of the first customer who has both, for `payInvoice`."""
    for edge in customers:
        node = edge["node"]
        invoices = [s["openInvoice"]["id"] for s in node["subscriptions"] if s["openInvoice"]]
        cards = [
            pm["id"] for pm in node["paymentMethods"] if (pm["card"] or {}).get("last4") == WORKING_LAST4
        ]
        if invoices and cards:
            return {"open_invoice_id": invoices[0], "working_card_id": cards[0]}
    return {}


async def _portalql_operation(bench: Bench, operation: Operation, probe: _Probe) -> list[CaseResult]:
    if operation.requires_mutation and operation.requires_mutation not in probe.mutations:
        note = f"skipped: the schema has no `{operation.requires_mutation}` mutation yet"
        return [CaseResult(Target.PORTALQL, operation, cache, Status.SKIPPED, note) for cache in BOTH]
    credentials = probe.credentials
    api_key = operation.credential is Credential.API_KEY
    token = credentials.api_key if api_key else credentials.customer_session_token
    fixtures = probe.fixtures
    if operation.credential is Credential.USAGE_CUSTOMER_SESSION:
        token, fixtures = probe.usage_customer
    try:
        results = await _cold_and_warm(bench, operation, token, fixtures)
        if operation.first_visit is not None:
            results.append(await _first_visits(bench, operation, token, probe))
    except Exception as error:  # one broken operation must not hide the others' figures
        return _failed(operation, str(error))
    return results


async def _cold_and_warm(
    bench: Bench, operation: Operation, token: str, fixtures: Fixtures
) -> list[CaseResult]:
    async with bench.running_api() as api, bench.caller(api, token, fixtures) as caller:
        await caller.graphql(WARM_UP)
        first = await sample(operation, caller, bench.calls)
        repeat = await sample(operation, caller, bench.calls)
        steady = await bench.steady(api, operation, caller)
        attacked = trusted = None
        if operation.under_attack:
            bench.progress(f"portalql: {operation.title}, warm, under attack")
            attacked = await bench.under_attack(api, operation, caller)
        if operation.by_id is not None:
            bench.progress(f"portalql: {operation.title}, warm, sent as a trusted document")
            trusted = await bench.steady(api, replace(operation, run=operation.by_id), caller)
        if operation.name == FLOOR_DASHBOARD.name:
            answer = {"data": await caller.graphql(DASHBOARD)}
            bench.dashboards.write_bytes(orjson.dumps({fixtures.customer_id: answer}))
    executed = await _executed(bench, operation, token, fixtures) if operation.executed else None
    if repeat.total_calls >= first.total_calls:
        note = "n/a (no cache yet: a repeat made the same Stripe calls)"
        return [
            CaseResult(Target.PORTALQL, operation, Cache.COLD, measured=steady),
            CaseResult(Target.PORTALQL, operation, Cache.WARM, Status.NOT_APPLICABLE, note),
        ]
    bench.progress(f"portalql: {operation.title}, cold runs ({bench.config.runs}) with the read cache off")
    async with bench.running_api(read_cache=False) as api, bench.caller(api, token, fixtures) as caller:
        await sample(operation, caller, bench.calls)  # the process's first request, as for the alternative
        cold = [await sample(operation, caller, bench.calls) for _ in range(bench.config.runs)]
        peak = api.peak_rss_bytes()
    return [
        CaseResult(Target.PORTALQL, operation, Cache.COLD, measured=Measured(tuple(cold), None, peak)),
        CaseResult(Target.PORTALQL, operation, Cache.WARM, measured=steady),
        *([CaseResult(Target.PORTALQL, operation, Cache.ATTACKED, measured=attacked)] if attacked else []),
        *([CaseResult(Target.PORTALQL, operation, Cache.TRUSTED, measured=trusted)] if trusted else []),
        *([CaseResult(Target.PORTALQL, operation, Cache.EXECUTED, measured=executed)] if executed else []),
    ]


async def _executed(bench: Bench, operation: Operation, token: str, fixtures: Fixtures) -> Measured:
    """Warm on a process without the response cache: every request executed, its reads from the read cache."""
    bench.progress(f"portalql: {operation.title}, warm, executed (the response cache off)")
    async with (
        bench.running_api(response_cache=False) as api,
        bench.caller(api, token, fixtures) as caller,
    ):
        await caller.graphql(WARM_UP)
        await sample(operation, caller, bench.calls)  # fills the read cache
        return await bench.steady(api, operation, caller)


async def _first_visits(bench: Bench, operation: Operation, token: str, probe: _Probe) -> CaseResult:
    bench.progress(f"portalql: {operation.title}, first visits ({bench.config.runs}), each on a new process")
    other_token, other_fixtures = probe.other_customer
    samples, peak = [], 0
    for _ in range(bench.config.runs):
        await bench.forget_subscriptions(probe.fixtures.customer_id)
        async with bench.running_api(read_cache=False) as api:
            async with bench.caller(api, other_token, other_fixtures) as other:
                await operation.run(other)  # the process's first request, for someone else
            async with bench.caller(api, token, probe.fixtures) as caller:
                samples.append(await sample(operation, caller, bench.calls))
            peak = max(peak, api.peak_rss_bytes() or 0)
    return CaseResult(
        Target.PORTALQL, operation, Cache.FIRST, measured=Measured(tuple(samples), None, peak or None)
    )


async def _alternative(bench: Bench) -> CaseResult:
    operation = ALTERNATIVE_DASHBOARD
    bench.progress(f"alternative: {operation.title}")
    server_args = ("--stripe-api-base", bench.sandbox.url)
    try:
        async with (
            running("alternative", *server_args, ready_path="/healthz", workdir=bench.workdir) as server,
            bench.caller(server, None, Fixtures(customer_id=bench.demo_customer_id)) as caller,
        ):
            await sample(operation, caller, bench.calls)  # the first request opens the SDK's connections
            steady = await bench.steady(server, operation, caller)
    except Exception as error:  # reported, like a failed portalql case
        return CaseResult(Target.ALTERNATIVE, operation, Cache.NONE, Status.FAILED, str(error))
    return CaseResult(Target.ALTERNATIVE, operation, Cache.NONE, measured=steady)


async def _floor(bench: Bench) -> CaseResult:
    operation = FLOOR_DASHBOARD
    bench.progress(f"floor: {operation.title}")
    try:
        async with (
            running(
                "floor", "--dashboards", str(bench.dashboards), ready_path="/healthz", workdir=bench.workdir
            ) as server,
            bench.caller(server, None, Fixtures(customer_id=bench.demo_customer_id)) as caller,
        ):
            await sample(operation, caller, bench.calls)
            steady = await bench.steady(server, operation, caller)
    except Exception as error:  # reported, like a failed portalql case
        return CaseResult(Target.FLOOR, operation, Cache.NONE, Status.FAILED, str(error))
    return CaseResult(Target.FLOOR, operation, Cache.NONE, measured=steady)


def _failed(operation: Operation, note: str) -> list[CaseResult]:
    return [CaseResult(Target.PORTALQL, operation, cache, Status.FAILED, note) for cache in BOTH]
