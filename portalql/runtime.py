"""The composition root: the parts a process shares between requests, built once from the settings.

Routers receive the `Runtime` and ask it for its `Services` on each request. Parts a caller passed in (tests,
the benchmark) are used as given and left open; the rest are built when the app starts and closed when it
stops.
"""

from __future__ import annotations

import gc
import logging
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import anyio.lowlevel

from portalql.events.delivery import delivering_events
from portalql.live import LocalChanges, live_changes
from portalql.persistence.adapters import database_stores
from portalql.persistence.db import Database
from portalql.persistence.known_subscriptions import DatabaseKnownSubscriptions
from portalql.web.auth import RecentCredentials
from portalql.web.brand import Brand
from portalql.web.response_cache import ResponseCache
from portalql.web.revocations import shared_revocations
from portalql.webhooks.retries import retrying_webhook_events
from resolvers.money import format_money
from stripe_gateway.caching import CachedGateway, open_cache_store
from stripe_gateway.errors import GatewayError
from stripe_gateway.gateway import StripeGateway
from stripe_gateway.pacing import connect_pacer
from translations import Catalogs

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from portalql.settings import Settings
    from resolvers.ports import Stores
    from stripe_gateway.interface import BillingGateway


logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Services:
    """What every request uses: the database and the resolvers' stores on it, the gateway (which also drops
    the reads webhooks make stale), the subscriptions each customer's dashboards preview ahead, the answers
    kept whole for queries, and where live changes travel."""

    database: Database
    persistence: Stores
    gateway: BillingGateway
    # None when the app runs without its lifespan (in-process tests): nothing is previewed ahead then.
    known_subscriptions: DatabaseKnownSubscriptions | None
    # None without the read cache, or when turned off.
    answers: ResponseCache | None
    live: LocalChanges


@dataclass
class Runtime:
    settings: Settings
    database: Database | None = None
    gateway: BillingGateway | None = None
    # Called with each database the runtime uses (tracing instruments its engine).
    on_database: Callable[[Database], None] | None = None
    recent_credentials: RecentCredentials = field(init=False)
    _services: Services | None = field(default=None, init=False)
    # Every language's messages, read once.
    catalogs: Catalogs = field(default_factory=Catalogs.load, init=False)

    def __post_init__(self) -> None:
        self.recent_credentials = RecentCredentials(self.settings.auth_cache_seconds)
        if self.database is not None and self.on_database is not None:
            self.on_database(self.database)
        # Given both parts, the app serves without its lifespan too (as tests drive it in-process).
        if self.database is not None and self.gateway is not None:
            self._services = self._services_of(self.database, self.gateway, None, LocalChanges())

    def _services_of(
        self,
        database: Database,
        gateway: BillingGateway,
        known_subscriptions: DatabaseKnownSubscriptions | None,
        live: LocalChanges,
    ) -> Services:
        persistence = database_stores(database, self.settings, recent_credentials=self.recent_credentials)
        answers = response_cache(self.settings, gateway)
        return Services(database, persistence, gateway, known_subscriptions, answers, live)

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the application was served before its lifespan started")
        return self._services

    async def brand(self) -> Brand:
        """The merchant's brand: the account's (cached account-wide, so one Stripe call per cache lifetime),
        with the settings' overrides. Without Stripe, the page still shows, in the overrides or plain."""
        settings = self.settings
        overrides = Brand(
            name=settings.brand_name,
            logo_url=settings.brand_logo_url,
            icon_url=settings.brand_icon_url,
            primary_color=settings.brand_primary_color,
            secondary_color=settings.brand_secondary_color,
        )
        try:
            branding = await self.services.gateway.account_branding()
        except GatewayError as error:
            logger.warning("the account's branding could not be read: %s", type(error).__name__)
            branding = None
        return Brand.of(branding, overrides)

    @property
    def started(self) -> bool:
        return self._services is not None

    @asynccontextmanager
    async def run(self) -> AsyncIterator[Services]:
        """Build what was not passed in, yield the services, and close what was built here."""
        settings = self.settings
        async with AsyncExitStack() as stack:
            database = self.database
            if database is None:
                database = Database(
                    settings.database_url,
                    connect_timeout_seconds=settings.database_connect_timeout_seconds,
                    statement_timeout_seconds=settings.database_statement_timeout_seconds,
                )
                stack.push_async_callback(database.dispose)
                if self.on_database is not None:
                    self.on_database(database)
                await database.migrate()
            known_subscriptions = DatabaseKnownSubscriptions(database)
            stack.push_async_callback(known_subscriptions.aclose)
            gateway = self.gateway
            if gateway is None:
                gateway = (
                    await connect_cached_gateway(settings)
                    if settings.read_cache
                    else connect_gateway(settings)
                )
                stack.push_async_callback(gateway.close)
            heard = gateway.forget_customer_here if isinstance(gateway, CachedGateway) else None
            live = await stack.enter_async_context(live_changes(settings, heard=heard))
            await stack.enter_async_context(
                retrying_webhook_events(database, gateway, known_subscriptions, live)
            )
            await stack.enter_async_context(delivering_events(database))
            await stack.enter_async_context(
                shared_revocations(
                    settings.redis_url,
                    self.recent_credentials,
                    timeout_seconds=settings.redis_timeout_seconds,
                )
            )
            await warm_up()
            injected, self._services = (
                self._services,
                self._services_of(database, gateway, known_subscriptions, live),
            )
            try:
                yield self._services
            finally:
                self._services = injected


async def warm_up() -> None:
    """One-time work that the first requests would otherwise do while their callers wait."""
    # Babel reads a locale's data from disk on first use; the dashboard's amounts are formatted in `en`.
    format_money(0, "usd", "en")
    # httpx's connection pool takes anyio locks, and anyio imports its asyncio backend on first use.
    await anyio.lowlevel.checkpoint()
    # Everything loaded so far (modules, the schema, the SDK) lives as long as the process: left out of the
    # collector's full scans, which otherwise walk it all every few requests.
    gc.collect()
    gc.freeze()


def response_cache(settings: Settings, gateway: BillingGateway) -> ResponseCache | None:
    """Whole answers kept in the read cache's store, where its invalidations reach them: only over it."""
    if not settings.response_cache or not isinstance(gateway, CachedGateway):
        return None
    return ResponseCache(gateway.own_entries)


def connect_gateway(settings: Settings) -> StripeGateway:
    if settings.stripe_api_key is None:
        raise RuntimeError("STRIPE_API_KEY is not set (`portalql serve` starts a sandbox when it is missing)")
    return StripeGateway.connect(
        settings.stripe_api_key.get_secret_value(),
        api_base=settings.stripe_api_base,
        max_network_retries=settings.stripe_max_network_retries,
        timeout_seconds=settings.stripe_timeout_seconds,
        requests_per_second=settings.stripe_requests_per_second,
        pacer=connect_pacer(
            settings.stripe_requests_per_second,
            account=settings.stripe_api_key.get_secret_value(),
            redis_url=settings.redis_url,
            instances=settings.instances,
            redis_timeout_seconds=settings.redis_timeout_seconds,
        ),
    )


async def connect_cached_gateway(settings: Settings) -> CachedGateway:
    """The gateway behind the shared read cache: Redis when `REDIS_URL` is set, else this process's memory."""
    gateway = connect_gateway(settings)
    try:
        store = await open_cache_store(
            settings.redis_url, redis_timeout_seconds=settings.redis_timeout_seconds
        )
    except BaseException:
        await gateway.close()
        raise
    return CachedGateway(gateway, store)
